import * as net from 'node:net';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { Money, UpstreamOutcomeUnknownError, UpstreamUnavailableError } from '@bridge/core';
import {
  buildPaymentSlipJob,
  EscPosPrinterClient,
  PaymentSlip,
  PrinterClientOptions,
  rasterToRgba,
  SLIP_TEXT,
  statusRequest,
} from '@bridge/receipts';
import { PrinterSimulator, startPrinterSimulator } from './printer.simulator';

const paymentUrl = 'https://pay.invoicebox.ru/order/3f1c6a2e-1234-4cde-9abc-0123456789ab?lang=ru';
const slip: PaymentSlip = {
  venueName: 'Кафе на Невском',
  label: 'Стол 5',
  amount: Money.of(123456, 'RUB'),
  paymentUrl,
  expiresAt: new Date('2025-03-12T11:30:00Z'),
};

describe('printer simulator', () => {
  let sim: PrinterSimulator;
  const client = (options: Partial<PrinterClientOptions> = {}): EscPosPrinterClient =>
    new EscPosPrinterClient({ host: sim.host, port: sim.port, retryDelayMs: 20, ...options });

  beforeEach(async () => {
    sim = await startPrinterSimulator({ idleGapMs: 200 });
  });
  afterEach(() => sim.close());

  it('captures a slip sent by the printer client; its native QR payload is the exact payment URL', async () => {
    const job = buildPaymentSlipJob(slip);
    await expect(client().print(job)).resolves.toEqual({ attempts: 1, bytes: job.length, confirmed: true });
    const captured = await sim.waitForJob(1000);
    expect(captured.raw).toEqual(job);
    expect(captured.qrPayloads).toEqual([paymentUrl]);
    expect(captured).toMatchObject({ endedBy: 'close', complete: true });
    expect(captured.text.split('\n')).toEqual(
      expect.arrayContaining([
        'Кафе на Невском',
        'Стол 5',
        '1 234,56 руб.',
        paymentUrl,
        SLIP_TEXT.instruction.en,
      ]),
    );
  });

  it('captures the raster fallback, whose image decodes to the exact payment URL', async () => {
    await client().print(buildPaymentSlipJob(slip, { qrMode: 'raster' }));
    const captured = await sim.waitForJob(1000);
    expect(captured.qrPayloads).toEqual([]);
    const image = rasterToRgba(captured.decoded.images[0]);
    expect(jsQR(image.data, image.width, image.height)?.data).toBe(paymentUrl);
  });

  it('keeps jobs from concurrent connections apart and hands each to one waitForJob call', async () => {
    const urls = ['https://a.ru/1', 'https://a.ru/2', 'https://a.ru/3'];
    await Promise.all(urls.map((url) => client().print(buildPaymentSlipJob({ ...slip, paymentUrl: url }))));
    const received = await Promise.all([sim.waitForJob(1000), sim.waitForJob(1000), sim.waitForJob(1000)]);
    expect(received.flatMap((job) => job.qrPayloads).sort()).toEqual(urls);
    await expect(sim.waitForJob(50)).rejects.toThrow('No print job arrived within 50 ms');
    expect(sim.jobs()).toHaveLength(3);
    sim.clear();
    expect(sim.jobs()).toEqual([]);
  });

  it('ends a job after an idle gap on a connection the POS keeps open', async () => {
    const socket = net.connect(sim.port, sim.host);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(buildPaymentSlipJob(slip));
    const first = await sim.waitForJob(2000);
    socket.write(buildPaymentSlipJob({ ...slip, paymentUrl: 'https://a.ru/next' }));
    const second = await sim.waitForJob(2000);
    socket.destroy();
    expect([first.endedBy, second.endedBy]).toEqual(['idle', 'idle']);
    expect(second.qrPayloads).toEqual(['https://a.ru/next']);
  });

  it('answers DLE EOT with the status it is told to have, and does not record polls as jobs', async () => {
    await expect(client().readStatus()).resolves.toMatchObject({
      online: true,
      paperEnd: false,
      raw: [18, 18, 18, 18],
    });
    sim.control.setCondition({ paperEnd: true, coverOpen: true });
    await expect(client().readStatus()).resolves.toMatchObject({
      online: false,
      paperEnd: true,
      coverOpen: true,
    });
    expect(sim.control.state().statusRequestsAnswered).toBe(8);
    expect(sim.jobs()).toEqual([]);
  });

  it('answers a status request split across TCP segments', async () => {
    const socket = net.connect(sim.port, sim.host);
    const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.setNoDelay(true);
    socket.write(statusRequest(4).subarray(0, 1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.write(statusRequest(4).subarray(1));
    await expect(answer).resolves.toEqual(Buffer.from([0x12]));
    socket.destroy();
  });

  it('refuses connections like a switched-off printer, then prints again when switched on', async () => {
    await sim.control.refuseConnections(true);
    const error = await client({ retries: 1 })
      .print(buildPaymentSlipJob(slip))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    await sim.control.refuseConnections(false);
    await client().print(buildPaymentSlipJob(slip));
    expect((await sim.waitForJob(1000)).qrPayloads).toEqual([paymentUrl]);
  });

  it('drops a job mid-stream once; the client retries and the second copy is whole', async () => {
    const job = buildPaymentSlipJob(slip);
    sim.control.dropMidJob(100);
    await expect(client().print(job)).resolves.toMatchObject({ attempts: 2, confirmed: true });
    const dropped = await sim.waitForJob(1000);
    const whole = await sim.waitForJob(1000);
    expect(dropped).toMatchObject({ endedBy: 'dropped', complete: false, qrPayloads: [] });
    expect(dropped.raw).toEqual(job.subarray(0, 100));
    expect(whole).toMatchObject({ endedBy: 'close', complete: true, qrPayloads: [paymentUrl] });
  });

  it('records a stream cut inside the QR command as incomplete', async () => {
    const job = buildPaymentSlipJob(slip);
    sim.control.dropMidJob(job.indexOf(Buffer.from(paymentUrl)) + 10, 2);
    const error = await client({ retries: 1 })
      .print(job)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamOutcomeUnknownError);
    const captured = await sim.waitForJob(1000);
    expect(captured.decoded.complete).toBe(false);
    expect(captured.decoded.commands.at(-1)).toMatchObject({ type: 'truncated', name: 'GS ( k' });
  });

  it('stalls: the job is held unread, and prints once the printer recovers', async () => {
    sim.control.stall(true);
    const result = await client({ closeTimeoutMs: 150, retries: 0 }).print(buildPaymentSlipJob(slip));
    expect(result.confirmed).toBe(false);
    await expect(sim.waitForJob(100)).rejects.toThrow('No print job arrived');
    sim.control.stall(false);
    expect((await sim.waitForJob(1000)).qrPayloads).toEqual([paymentUrl]);
  });

  it('recovers from every fault on reset', async () => {
    sim.control.stall(true);
    sim.control.dropMidJob(10, 5);
    sim.control.setCondition({ paperNearEnd: true });
    await sim.control.refuseConnections(true);
    await sim.control.reset();
    expect(sim.control.state().faults).toEqual({
      refuseConnections: false,
      stall: false,
      dropAfterBytes: null,
      dropConnectionsLeft: 0,
    });
    await client().print(buildPaymentSlipJob(slip));
    expect(await sim.waitForJob(1000)).toMatchObject({ complete: true, qrPayloads: [paymentUrl] });
  });
});

describe('printer simulator HTTP control', () => {
  let sim: PrinterSimulator;
  let base: string;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  beforeEach(async () => {
    sim = await startPrinterSimulator();
    base = sim.controlUrl as string;
  });
  afterEach(() => sim.close());

  it('lists captured jobs with their QR payloads and text, and serves detail, raw bytes and images', async () => {
    const printer = new EscPosPrinterClient({ host: sim.host, port: sim.port });
    const job = buildPaymentSlipJob(slip, { qrMode: 'raster' });
    await printer.print(buildPaymentSlipJob(slip));
    await printer.print(job);

    const { json: list } = await call('GET', '/jobs');
    expect(list).toMatchObject({
      jobs: [
        { id: 1, qrPayloads: [paymentUrl], complete: true, endedBy: 'close', cuts: 1 },
        { id: 2, qrPayloads: [], images: [{ index: 0, png: '/jobs/2/images/0.png' }] },
      ],
    });
    expect((list as { jobs: { text: string }[] }).jobs[0].text).toContain('Стол 5');

    const { json: detail } = await call('GET', '/jobs/1');
    expect(detail).toMatchObject({ qrCodes: [{ payload: paymentUrl, errorCorrection: 'M' }] });
    expect((detail as { commands: { type: string }[] }).commands.some((c) => c.type === 'qr')).toBe(true);

    const raw = Buffer.from(await (await fetch(`${base}/jobs/2/raw`)).arrayBuffer());
    expect(raw).toEqual(job);
    const png = PNG.sync.read(Buffer.from(await (await fetch(`${base}/jobs/2/images/0.png`)).arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(paymentUrl);

    expect((await call('DELETE', '/jobs')).status).toBe(204);
    expect((await call('GET', '/jobs')).json).toEqual({ jobs: [] });
    expect((await call('GET', '/jobs/1')).status).toBe(404);
  });

  it('waits for the next job over HTTP', async () => {
    const next = call('GET', '/jobs/next?timeoutMs=2000');
    await new EscPosPrinterClient({ host: sim.host, port: sim.port }).print(buildPaymentSlipJob(slip));
    await expect(next).resolves.toMatchObject({ status: 200, json: { qrPayloads: [paymentUrl] } });
    await expect(call('GET', '/jobs/next?timeoutMs=20')).resolves.toMatchObject({ status: 408 });
  });

  it('sets faults and printer condition, and validates what it is sent', async () => {
    const { json } = await call('POST', '/control', {
      refuseConnections: true,
      dropMidJob: { afterBytes: 50 },
      condition: { paperNearEnd: true },
    });
    expect(json).toMatchObject({
      faults: { refuseConnections: true, dropAfterBytes: 50, dropConnectionsLeft: 1 },
      condition: { paperNearEnd: true },
    });
    const printer = new EscPosPrinterClient({ host: sim.host, port: sim.port, retries: 0 });
    await expect(printer.print(Buffer.from('x'))).rejects.toBeInstanceOf(UpstreamUnavailableError);

    expect((await call('POST', '/control', { stall: 'yes' })).status).toBe(400);
    expect((await call('POST', '/control', { condition: { onFire: true } })).status).toBe(400);
    expect((await call('POST', '/control', { reboot: true })).status).toBe(400);

    await call('POST', '/control/reset');
    await expect(printer.readStatus()).resolves.toMatchObject({ online: true, paperNearEnd: false });
  });
});
