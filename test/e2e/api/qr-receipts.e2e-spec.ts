import request from 'supertest';
import { PrinterSimulator, startPrinterSimulator } from '@bridge/simulators';
import {
  decodeQrImage,
  modulesToRgba,
  readPng,
  readQrSvgModules,
} from '../../../libs/receipts/src/testing/qr-image';
import { ADMIN, FakeBridge, openTable, startFakeBridge } from './support/fake-bridge';

function binary(res: request.Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('QR codes and printed slips', () => {
  let bridge: FakeBridge;
  let printer: PrinterSimulator;
  let billId: string;
  let paymentUrl: string;
  const api = () => request(bridge.url);

  beforeAll(async () => {
    printer = await startPrinterSimulator({ controlPort: null });
    bridge = await startFakeBridge({ printerPort: printer.port, publicUrl: 'https://pay.cafe.test/' });
    ({ billId } = await openTable(bridge, '5'));
    paymentUrl = (await api().post(`/api/v1/bills/${billId}/payment-link`).set(ADMIN).expect(201)).body
      .paymentUrl;
  });

  afterAll(async () => {
    await bridge?.close();
    await printer?.close();
  });

  it('encodes the exact payment URL in the PNG', async () => {
    const res = await api()
      .get(`/api/v1/bills/${billId}/qr.png`)
      .set(ADMIN)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(decodeQrImage(readPng(res.body as Buffer))).toBe(paymentUrl);
  });

  it('encodes the exact payment URL in the SVG', async () => {
    const res = await api()
      .get(`/api/v1/bills/${billId}/qr.svg`)
      .set(ADMIN)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(decodeQrImage(modulesToRgba(readQrSvgModules((res.body as Buffer).toString('utf8')), 6))).toBe(
      paymentUrl,
    );
  });

  it('prints an ESC/POS slip with the table, the amount, an instruction and a QR of the exact payment URL', async () => {
    const res = await api().post(`/api/v1/bills/${billId}/print-slip`).set(ADMIN).expect(200);
    expect(res.body).toMatchObject({ printer: `127.0.0.1:${printer.port}`, confirmed: true });
    const job = await printer.waitForJob(5_000);
    expect(job.complete).toBe(true);
    expect(job.qrPayloads).toEqual([paymentUrl]);
    expect(job.text).toContain('Стол 5');
    expect(job.text).toContain('Кафе на Невском');
    expect(job.text).toMatch(/1 050,50/);
    expect(job.text).toContain('Отсканируйте QR-код');
  });

  it("encodes the table's static URL in its printable QR, and has no QR for a bill without an active link", async () => {
    const svg = await api()
      .get('/api/v1/sites/cafe-1/tables/5/qr.svg')
      .set(ADMIN)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(decodeQrImage(modulesToRgba(readQrSvgModules((svg.body as Buffer).toString('utf8')), 6))).toBe(
      'https://pay.cafe.test/t/cafe-1/5',
    );
    const png = await api()
      .get('/api/v1/sites/cafe-1/tables/A-12/qr.png')
      .set(ADMIN)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(decodeQrImage(readPng(png.body as Buffer))).toBe('https://pay.cafe.test/t/cafe-1/A-12');
    await api().get('/api/v1/sites/nowhere/tables/5/qr.svg').set(ADMIN).expect(404);

    const { billId: fresh } = await openTable(bridge, '6');
    const none = await api().get(`/api/v1/bills/${fresh}/qr.png`).set(ADMIN).expect(404);
    expect(JSON.parse(none.text)).toEqual({
      error: { code: 'HTTP.404', message: 'The bill has no active payment link' },
    });
  });
});
