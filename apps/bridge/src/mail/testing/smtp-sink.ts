import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface MimePart {
  headers: Record<string, string>;
  /** Decoded from base64 / quoted-printable. */
  body: Buffer;
  parts: MimePart[];
}

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
  root: MimePart;
  /** Every leaf part, depth first. */
  leaves: MimePart[];
}

export interface SmtpSink {
  port: number;
  messages: CapturedMail[];
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Recipients refused with 550. */
  refuse?: string[];
  /** Require AUTH with these credentials. */
  credentials?: { user: string; password: string };
}

/** A local SMTP server that keeps what it receives, for tests (no TLS). */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: !options.credentials,
    disabledCommands: options.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const ok =
        auth.username === options.credentials?.user && auth.password === options.credentials?.password;
      callback(
        ok ? null : new Error('Invalid username or password'),
        ok ? { user: auth.username } : undefined,
      );
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.includes(address.address)) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const root = parsePart(raw);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          root,
          leaves: leaves(root),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

function parsePart(text: string): MimePart {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const content = split < 0 ? '' : text.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary && /^multipart\//i.test(headers['content-type'] ?? '')) {
    const sections = content.split(`--${boundary}`).slice(1);
    const parts = sections
      .filter((section) => !section.startsWith('--'))
      .map((section) => parsePart(section.replace(/^\r\n/, '').replace(/\r\n$/, '')));
    return { headers, body: Buffer.alloc(0), parts };
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  return { headers, body: decode(content, encoding), parts: [] };
}

function decode(content: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(content.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const soft = content.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft[i] === '=' ? /^[0-9A-F]{2}$/i.exec(soft.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i], 'utf8'));
      }
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(content, 'utf8');
}
