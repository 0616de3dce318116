export {
  InvalidQrPayloadError,
  InvalidReceiptOptionsError,
  InvalidSlipError,
  type QrPayloadProblem,
} from './receipts.errors';
export { formatMoney, type MoneyLocale } from './money.format';
export {
  assertQrPayload,
  createQrSymbol,
  type QrErrorCorrection,
  type QrRenderOptions,
  type QrSymbol,
  renderQrPng,
  renderQrSvg,
} from './qr.renderer';
export {
  formatSlipDateTime,
  layoutPaymentSlip,
  type PaymentSlip,
  SLIP_TEXT,
  type SlipAlign,
  type SlipBlock,
  type SlipOptions,
} from './slip';
export {
  buildPaymentSlipJob,
  type EscPosJobOptions,
  type PaperWidth,
  type PaymentSlipJobOptions,
  type QrPrintMode,
  renderEscPosJob,
} from './escpos.job';
export { CODE_PAGES, type CodePage, type CodePageName, ESC_POS_CODE_TABLES } from './code-pages';
export {
  DLE,
  EOT,
  nativeQrCommands,
  type NativeQrSettings,
  rasterImageCommand,
  statusRequest,
  type StatusRequestKind,
} from './escpos.commands';
export {
  decodeEscPos,
  type DecodedEscPos,
  type DecodedQr,
  type EscPosCommand,
  type EscPosDecodeOptions,
  type TextAlign,
  type TextStyle,
} from './escpos.decoder';
export { qrToRaster, type RasterImage, rasterToPng, rasterToRgba, type RgbaImage } from './raster.image';
export {
  decodeStatusBytes,
  encodeStatusByte,
  HEALTHY_PRINTER,
  isStatusByte,
  type PrinterCondition,
} from './escpos.status';
export {
  EscPosPrinterClient,
  type PrintResult,
  type PrinterClientOptions,
  type PrinterStatus,
} from './printer.client';
