import { BreakLine, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { CODE_PAGES, CodePageName, canEncode, isCodePageName } from './code-pages';
import { INIT, nativeQrCommands, rasterImageCommand } from './escpos.commands';
import { QrErrorCorrection, createQrSymbol } from './qr.renderer';
import { qrToRaster } from './raster.image';
import { InvalidReceiptOptionsError } from './receipts.errors';
import { PaymentSlip, SlipAlign, SlipBlock, SlipOptions, layoutPaymentSlip, wrapText } from './slip';

export type PaperWidth = 58 | 80;

export type QrPrintMode = 'native' | 'raster';

export interface EscPosJobOptions {
  paperWidthMm?: PaperWidth;
  codePage?: CodePageName;
  qrMode?: QrPrintMode;
  qrModuleDots?: number;
  qrErrorCorrection?: QrErrorCorrection;
  cut?: 'full' | 'partial';
}

export type PaymentSlipJobOptions = EscPosJobOptions & SlipOptions;

interface PaperGeometry {
  dots: number;
  columnsFontA: number;
  columnsFontB: number;
}

/** 203 dpi heads: 12x24 font A and 9x17 font B on the printable width. */
const PAPER: Readonly<Record<PaperWidth, PaperGeometry>> = {
  58: { dots: 384, columnsFontA: 32, columnsFontB: 42 },
  80: { dots: 576, columnsFontA: 48, columnsFontB: 64 },
};

const QUIET_ZONE_MODULES = 4;
/** node-thermal-printer only opens a transport when `interface` is truthy; we only want its buffer. */
const NO_DEVICE = '';

export function buildPaymentSlipJob(slip: PaymentSlip, options: PaymentSlipJobOptions = {}): Buffer {
  return renderEscPosJob(layoutPaymentSlip(slip, options), options);
}

export function renderEscPosJob(blocks: readonly SlipBlock[], options: EscPosJobOptions = {}): Buffer {
  const settings = jobSettings(options);
  const codePage = CODE_PAGES[settings.codePage];
  const printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    interface: NO_DEVICE,
    width: settings.paper.columnsFontA,
    breakLine: BreakLine.NONE,
  });
  printer.add(INIT);
  printer.setCharacterSet(codePage.characterSet);
  for (const block of blocks) {
    switch (block.kind) {
      case 'text': {
        printer.setTextNormal();
        if (block.scale === 2) printer.setTextQuadArea();
        if (block.font === 'B') printer.setTypeFontB();
        printer.bold(block.bold);
        align(printer, block.align);
        const columns = Math.floor(
          (block.font === 'B' ? settings.paper.columnsFontB : settings.paper.columnsFontA) / block.scale,
        );
        const text = printable(block.text, codePage.encoding);
        for (const line of block.wrap === 'word' ? wrapText(text, columns) : [text]) printer.println(line);
        printer.setTextNormal();
        printer.bold(false);
        break;
      }
      case 'qr':
        printer.alignCenter();
        printer.add(qrCommands(block.payload, settings));
        break;
      case 'feed':
        for (let i = 0; i < block.lines; i++) printer.newLine();
        break;
      case 'cut':
        if (settings.cut === 'partial') printer.partialCut({ verticalTabAmount: 1 });
        else printer.cut({ verticalTabAmount: 1 });
        break;
    }
  }
  return printer.getBuffer();
}

function qrCommands(payload: string, settings: ReturnType<typeof jobSettings>): Buffer {
  const symbol = createQrSymbol(payload, { errorCorrection: settings.qrErrorCorrection });
  const fitting = Math.floor(settings.paper.dots / (symbol.size + 2 * QUIET_ZONE_MODULES));
  const moduleDots = Math.max(1, Math.min(settings.qrModuleDots, fitting));
  if (settings.qrMode === 'raster')
    return rasterImageCommand(qrToRaster(symbol, moduleDots, QUIET_ZONE_MODULES));
  return nativeQrCommands(Buffer.from(payload, 'utf8'), {
    moduleDots,
    errorCorrection: settings.qrErrorCorrection,
  });
}

function jobSettings(options: EscPosJobOptions) {
  const paperWidthMm = options.paperWidthMm ?? 80;
  const paper = PAPER[paperWidthMm];
  if (!paper) throw new InvalidReceiptOptionsError(`Paper width must be 58 or 80 mm, got ${paperWidthMm}`);
  const codePage = options.codePage ?? 'cp866';
  if (!isCodePageName(codePage)) throw new InvalidReceiptOptionsError(`Unsupported code page "${codePage}"`);
  const qrModuleDots = options.qrModuleDots ?? 6;
  if (!Number.isInteger(qrModuleDots) || qrModuleDots < 1 || qrModuleDots > 16) {
    throw new InvalidReceiptOptionsError(`QR module size must be 1..16 dots, got ${qrModuleDots}`);
  }
  const qrMode = options.qrMode ?? 'native';
  if (qrMode !== 'native' && qrMode !== 'raster') {
    throw new InvalidReceiptOptionsError(`QR print mode must be native or raster, got "${String(qrMode)}"`);
  }
  return {
    paper,
    codePage,
    qrMode,
    qrModuleDots,
    qrErrorCorrection: options.qrErrorCorrection ?? 'M',
    cut: options.cut ?? 'full',
  };
}

function align(printer: ThermalPrinter, value: SlipAlign): void {
  if (value === 'center') printer.alignCenter();
  else if (value === 'right') printer.alignRight();
  else printer.alignLeft();
}

/** Thermal fonts print U+00A0 unevenly and no OEM code page has "₽", so both are replaced before encoding. */
function printable(text: string, encoding: string): string {
  const spaced = text.replace(/[\u00a0\u2009\u202f]/gu, ' ');
  return canEncode('₽', encoding) ? spaced : spaced.replace(/₽/gu, 'руб.');
}
