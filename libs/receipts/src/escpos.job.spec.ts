import * as iconv from 'iconv-lite';
import { Money } from '@bridge/core';
import { decodeEscPos, DecodedEscPos, EscPosCommand } from './escpos.decoder';
import { buildPaymentSlipJob, PaymentSlipJobOptions } from './escpos.job';
import { createQrSymbol } from './qr.renderer';
import { rasterToPng, rasterToRgba } from './raster.image';
import { InvalidQrPayloadError, InvalidReceiptOptionsError, InvalidSlipError } from './receipts.errors';
import { PaymentSlip, SLIP_TEXT } from './slip';
import { decodeQrImage, readPng } from './testing/qr-image';

const paymentUrl = 'https://pay.invoicebox.ru/order/3f1c6a2e-1234-4cde-9abc-0123456789ab?lang=ru';
const slip: PaymentSlip = {
  venueName: 'Кафе «Пушкин»',
  label: 'Стол 5',
  amount: Money.of(123456, 'RUB'),
  paymentUrl,
  expiresAt: new Date('2025-03-12T11:30:00Z'),
};

const print = (overrides: Partial<PaymentSlip> = {}, options: PaymentSlipJobOptions = {}): DecodedEscPos =>
  decodeEscPos(buildPaymentSlipJob({ ...slip, ...overrides }, options));

type TextRun = Extract<EscPosCommand, { type: 'text' }>;
const runs = (decoded: DecodedEscPos): TextRun[] =>
  decoded.commands.filter((c): c is TextRun => c.type === 'text');
const runWith = (decoded: DecodedEscPos, text: string): TextRun | undefined =>
  runs(decoded).find((run) => run.text.includes(text));

describe('buildPaymentSlipJob', () => {
  it('stores the exact payment URL in the native QR command, printed once, error correction M', () => {
    const decoded = print();
    expect(decoded.complete).toBe(true);
    expect(decoded.warnings).toEqual([]);
    expect(decoded.qrCodes).toHaveLength(1);
    expect(decoded.qrCodes[0]).toMatchObject({
      payload: paymentUrl,
      model: 2,
      errorCorrection: 'M',
      moduleDots: 6,
    });
    expect(decoded.images).toEqual([]);
  });

  it('prints the slip text in order, Cyrillic included, and ends with one cut', () => {
    const decoded = print();
    const text = decoded.lines.filter((line) => line.length > 0);
    expect(text).toEqual([
      'Кафе «Пушкин»',
      'Стол 5',
      '1 234,56 руб.',
      'Отсканируйте QR-код камерой телефона, чтобы',
      'оплатить счёт',
      SLIP_TEXT.instruction.en,
      paymentUrl,
      'Оплатить до 12.03.2025 14:30',
      'Pay by 12.03.2025 14:30',
    ]);
    expect(decoded.cuts).toBe(1);
    expect(decoded.commands.filter((c) => c.type === 'cut')).toEqual([
      { type: 'cut', mode: 'full', feed: 0 },
    ]);
  });

  it('encodes Cyrillic in CP866 by default, never as UTF-8', () => {
    const job = buildPaymentSlipJob(slip);
    expect(job.subarray(0, 5)).toEqual(Buffer.from([0x1b, 0x40, 0x1b, 0x74, 17]));
    expect(job.includes(iconv.encode('Стол 5', 'cp866'))).toBe(true);
    expect(job.includes(Buffer.from('Стол', 'utf8'))).toBe(false);
    expect(runWith(print(), 'Стол 5')?.codePage).toBe(17);
  });

  it('switches to Windows-1251 when configured, where "₽" is still missing', () => {
    const job = buildPaymentSlipJob(slip, { codePage: 'cp1251' });
    expect(job.includes(Buffer.from([0x1b, 0x74, 46]))).toBe(true);
    expect(job.includes(iconv.encode('Отсканируйте', 'win1251'))).toBe(true);
    expect(decodeEscPos(job).lines).toContain('1 234,56 руб.');
  });

  it('formats the amount for English and keeps both instructions', () => {
    const decoded = print({ venueName: 'Grand Hotel', label: 'Room 2781' }, { locale: 'en' });
    expect(decoded.lines).toEqual(expect.arrayContaining(['Grand Hotel', 'Room 2781', 'RUB 1,234.56']));
    expect(decoded.lines.join(' ')).toContain(SLIP_TEXT.instruction.ru);
  });

  it('sets the style the layout asks for: large bold venue, small URL, everything centred', () => {
    const decoded = print();
    expect(runWith(decoded, 'Пушкин')?.style).toMatchObject({
      bold: true,
      width: 2,
      height: 2,
      align: 'center',
    });
    expect(runWith(decoded, '1 234,56')?.style).toMatchObject({ bold: true, width: 2 });
    expect(runWith(decoded, 'Scan the QR')?.style).toMatchObject({ bold: false, width: 1, font: 'A' });
    expect(runWith(decoded, paymentUrl)?.style).toMatchObject({ font: 'B', width: 1, align: 'center' });
  });

  it('prints the QR as a raster image that decodes to the exact URL when native QR is off', () => {
    const decoded = print({}, { qrMode: 'raster', qrModuleDots: 4 });
    expect(decoded.qrCodes).toEqual([]);
    expect(decoded.images).toHaveLength(1);
    const image = decoded.images[0];
    const size = createQrSymbol(paymentUrl).size;
    expect(image.height).toBe((size + 8) * 4);
    expect(decodeQrImage(rasterToRgba(image))).toBe(paymentUrl);
    expect(decodeQrImage(readPng(rasterToPng(image, 2)))).toBe(paymentUrl);
  });

  it('shrinks the modules so the symbol and its quiet zone fit 58 mm paper', () => {
    const size = createQrSymbol(paymentUrl).size;
    const fitting = Math.floor(384 / (size + 8));
    expect(print({}, { paperWidthMm: 58, qrModuleDots: 16 }).qrCodes[0].moduleDots).toBe(fitting);
    const raster = print({}, { paperWidthMm: 58, qrModuleDots: 16, qrMode: 'raster' }).images[0];
    expect(raster.widthDots).toBeLessThanOrEqual(384);
    expect(decodeQrImage(rasterToRgba(raster))).toBe(paymentUrl);
  });

  it('word-wraps large text to the columns left at double width', () => {
    const decoded = print(
      { venueName: 'Ресторан Северная Пальмира на Невском проспекте' },
      { paperWidthMm: 58 },
    );
    const venue = decoded.lines.slice(0, 5);
    expect(venue).toEqual(['Ресторан', 'Северная', 'Пальмира на', 'Невском', 'проспекте']);
    expect(venue.every((line) => line.length <= 16)).toBe(true);
  });

  it('turns control bytes in names into spaces, so a venue name cannot inject printer commands', () => {
    const decoded = print({ venueName: 'Bar\u001bi\u001d V\u0000X', label: 'Стол\n7' });
    expect(decoded.lines.slice(0, 2)).toEqual(['Bar i V X', 'Стол 7']);
    expect(decoded.cuts).toBe(1);
    expect(decoded.commands.filter((c) => c.type === 'init')).toHaveLength(2);
  });

  it('makes a partial cut when asked', () => {
    expect(print({}, { cut: 'partial' }).commands.find((c) => c.type === 'cut')).toMatchObject({
      mode: 'partial',
    });
  });

  it('refuses a slip that cannot be paid or printed', () => {
    expect(() => buildPaymentSlipJob({ ...slip, amount: Money.of(0, 'RUB') })).toThrow(InvalidSlipError);
    expect(() => buildPaymentSlipJob({ ...slip, amount: Money.of(-100, 'RUB') })).toThrow(InvalidSlipError);
    expect(() => buildPaymentSlipJob({ ...slip, venueName: ' \u0007 ' })).toThrow(InvalidSlipError);
    expect(() => buildPaymentSlipJob({ ...slip, expiresAt: new Date(Number.NaN) })).toThrow(InvalidSlipError);
    expect(() => buildPaymentSlipJob({ ...slip, paymentUrl: 'ftp://x' })).toThrow(InvalidQrPayloadError);
  });

  it('refuses options a printer cannot honour', () => {
    expect(() => buildPaymentSlipJob(slip, { qrModuleDots: 0 })).toThrow(InvalidReceiptOptionsError);
    expect(() => buildPaymentSlipJob(slip, { timeZone: 'Mars/Olympus' })).toThrow(InvalidReceiptOptionsError);
    const unknownCodePage = { codePage: 'utf8' } as unknown as PaymentSlipJobOptions;
    expect(() => buildPaymentSlipJob(slip, unknownCodePage)).toThrow(InvalidReceiptOptionsError);
  });
});
