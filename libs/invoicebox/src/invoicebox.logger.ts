export interface InvoiceboxLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

export const silentInvoiceboxLogger: InvoiceboxLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
