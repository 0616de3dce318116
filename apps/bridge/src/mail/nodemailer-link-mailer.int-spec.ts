import {
  Money,
  PaymentLinkMessage,
  UpstreamAuthError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { decodeQrImage, readPng } from '../../../../libs/receipts/src/testing/qr-image';
import { freePort } from '../../../../test/support/free-port';
import { ConfigError, parseConfig } from '../config/load-config';
import { MailNotConfiguredError, NodemailerLinkMailer } from './nodemailer-link-mailer';
import { SmtpSink, startSmtpSink } from './testing/smtp-sink';

function config(smtp: string) {
  return parseConfig(
    `
server: { port: 0, publicUrl: "http://127.0.0.1", adminToken: mail-test-admin-token-0123 }
database: { url: "sqlite::memory:" }
sites:
  - id: hotel-1
    kind: fias
    name: Hotel
    merchant: { merchantId: m, apiToken: t, notificationKey: k }
    fias: { host: 127.0.0.1, port: 5010, workstation: BRIDGE1, salesOutlet: 10, paymentMethod: IBOX }
${smtp}
`,
    { SMTP_PASSWORD: 'secret-password' },
  );
}

const message: PaymentLinkMessage = {
  to: 'guest@example.com',
  language: 'ru',
  siteName: 'Отель на Мойке',
  billLabel: 'Номер 2781 — Guest, Mr.',
  guestName: 'Guest, Mr.',
  amount: Money.of(1_385_050, 'RUB'),
  paymentUrl: 'https://pay.invoicebox.example/p/ord-2781-abcdef?lang=ru',
  expiresAt: new Date(2026, 5, 11, 18, 30),
};

describe('NodemailerLinkMailer against a local SMTP sink', () => {
  let sink: SmtpSink | undefined;
  let mailer: NodemailerLinkMailer | undefined;

  afterEach(async () => {
    mailer?.onApplicationShutdown();
    await sink?.close();
    sink = undefined;
    mailer = undefined;
  });

  it('sends Russian and English text with the link, and the QR as an inline PNG that decodes to it', async () => {
    sink = await startSmtpSink();
    mailer = new NodemailerLinkMailer(
      config(`smtp: { host: 127.0.0.1, port: ${sink.port}, from: "Hotel <pay@hotel.example>" }`),
    );
    const sent = await mailer.sendPaymentLink(message);
    expect(sent.messageId).toMatch(/@/);
    expect(sink.messages).toHaveLength(1);
    const mail = sink.messages[0];
    expect(mail.to).toEqual(['guest@example.com']);
    expect(mail.from).toBe('pay@hotel.example');
    const text = mail.leaves
      .find((p) => p.headers['content-type']?.startsWith('text/plain'))
      ?.body.toString('utf8');
    expect(text).toContain(message.paymentUrl);
    expect(text).toContain('Здравствуйте, Guest, Mr.!');
    expect(text).toContain('К оплате: 13\u00a0850,50\u00a0₽');
    expect(text).toContain('Amount due: RUB\u00a013,850.50');
    expect(text?.indexOf('Оплатить онлайн')).toBeLessThan(text?.indexOf('Pay online') ?? 0);
    const html = mail.leaves
      .find((p) => p.headers['content-type']?.startsWith('text/html'))
      ?.body.toString('utf8');
    expect(html).toContain('src="cid:payment-qr@pos-bridge"');
    const qr = mail.leaves.find((p) => p.headers['content-type']?.startsWith('image/png'));
    expect(qr?.headers['content-id']).toBe('<payment-qr@pos-bridge>');
    expect(decodeQrImage(readPng(qr?.body ?? Buffer.alloc(0)))).toBe(message.paymentUrl);
  });

  it('puts English first for an English-speaking site', async () => {
    sink = await startSmtpSink();
    mailer = new NodemailerLinkMailer(
      config(`smtp: { host: 127.0.0.1, port: ${sink.port}, from: pay@hotel.example }`),
    );
    await mailer.sendPaymentLink({ ...message, language: 'en' });
    const text = sink.messages[0].leaves[0].body.toString('utf8');
    expect(text.indexOf('Pay online')).toBeLessThan(text.indexOf('Оплатить онлайн'));
  });

  it('logs in with the configured user and a password from the environment', async () => {
    sink = await startSmtpSink({ credentials: { user: 'bridge', password: 'secret-password' } });
    mailer = new NodemailerLinkMailer(
      config(
        `smtp: { host: 127.0.0.1, port: ${sink.port}, user: bridge, password: \${SMTP_PASSWORD}, from: pay@hotel.example }`,
      ),
    );
    await mailer.sendPaymentLink(message);
    expect(sink.messages).toHaveLength(1);
  });

  it('maps failures: wrong login → auth, refused address → rejected, nobody listening → unavailable', async () => {
    sink = await startSmtpSink({
      credentials: { user: 'bridge', password: 'other' },
      refuse: ['gone@example.com'],
    });
    const wrongLogin = new NodemailerLinkMailer(
      config(
        `smtp: { host: 127.0.0.1, port: ${sink.port}, user: bridge, password: wrong, from: pay@hotel.example }`,
      ),
    );
    await expect(wrongLogin.sendPaymentLink(message)).rejects.toBeInstanceOf(UpstreamAuthError);
    wrongLogin.onApplicationShutdown();

    mailer = new NodemailerLinkMailer(
      config(
        `smtp: { host: 127.0.0.1, port: ${sink.port}, user: bridge, password: other, from: pay@hotel.example }`,
      ),
    );
    await expect(mailer.sendPaymentLink({ ...message, to: 'gone@example.com' })).rejects.toBeInstanceOf(
      UpstreamRejectedError,
    );

    const closed = new NodemailerLinkMailer(
      config(
        `smtp: { host: 127.0.0.1, port: ${await freePort()}, from: pay@hotel.example, timeoutMs: 2000 }`,
      ),
    );
    await expect(closed.sendPaymentLink(message)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    closed.onApplicationShutdown();
    expect(sink.messages).toHaveLength(0);
  });

  it('says so when no smtp section is configured', async () => {
    await expect(new NodemailerLinkMailer(config('')).sendPaymentLink(message)).rejects.toBeInstanceOf(
      MailNotConfiguredError,
    );
  });

  it('validates the smtp section with the rest of the configuration', () => {
    const problems = (() => {
      try {
        config('smtp: { host: "", port: 70000, user: bridge, from: "not an address" }');
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [];
      }
    })();
    expect(problems.map((p) => p.slice(0, p.indexOf(':'))).sort()).toEqual([
      'smtp.from',
      'smtp.host',
      'smtp.password',
      'smtp.port',
    ]);
  });
});
