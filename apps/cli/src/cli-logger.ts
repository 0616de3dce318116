import { LoggerService } from '@nestjs/common';
import { REDACTED_PATHS } from '../../bridge/src/observability/logger';
import { Output } from './output';

type Level = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

const ORDER: Level[] = ['error', 'warn', 'log', 'debug', 'verbose'];

const SECRET_KEYS = new Set(
  REDACTED_PATHS.filter((path) => path.startsWith('*.')).map((path) => path.slice(2).toLowerCase()),
);

/**
 * The bridge's modules log through Nest's Logger; in the CLI those lines go to stderr, quiet unless --verbose,
 * so stdout carries only the command's result.
 */
export class CliLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    private readonly output: Output,
    level: Level,
  ) {
    this.threshold = ORDER.indexOf(level);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (ORDER.indexOf(level) > this.threshold) return;
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    const text = [message, ...params].map(render).join(' ');
    this.output.error(`${level}${context ? ` [${context}]` : ''}: ${text}`);
  }
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  return JSON.stringify(value, (key, inner: unknown) => {
    if (SECRET_KEYS.has(key.toLowerCase())) return '[redacted]';
    return inner instanceof Error ? { name: inner.name, message: inner.message } : inner;
  });
}
