import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface PaymentPageResult {
  status: number;
  html: string;
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
}

/** What a guest's browser does: open the payment link, then submit the page's Pay form. */
export async function payOnPaymentPage(paymentUrl: string): Promise<PaymentPageResult> {
  const page = await fetch(paymentUrl, { redirect: 'follow' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`The payment page answered HTTP ${page.status}`);
  const form = /<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]+)"/i.exec(html);
  if (!form?.[1]) throw new Error('The payment page has no Pay form');
  const action = new URL(decodeHtml(form[1]), page.url);
  const paid = await fetch(action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  return { status: paid.status, html: await paid.text() };
}

export interface ReceivedNotification {
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

export interface NotificationReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Resolves with the first notification about this order (matched on the JSON `id`). */
  waitForOrder(orderId: string, timeoutMs?: number): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

/** A merchant webhook endpoint on port 0 that keeps every request's exact bytes and answers success. */
export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ rawBody: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const about = (notification: ReceivedNotification, orderId: string): boolean => {
    try {
      const body: unknown = JSON.parse(notification.rawBody.toString('utf8'));
      return typeof body === 'object' && body !== null && 'id' in body && body.id === orderId;
    } catch {
      return false;
    }
  };
  return {
    url: `http://127.0.0.1:${port}/webhooks/invoicebox/contract`,
    received,
    async waitForOrder(orderId, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find((notification) => about(notification, orderId));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`No notification about order ${orderId}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
