export * from './printer.simulator';
export type { PrinterControlHttp } from './printer.control-http';
