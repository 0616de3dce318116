import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Params } from 'nestjs-pino';

/** Anything that can carry a secret is cut from the logs, wherever it appears. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  'req.headers["x-fake-signature"]',
  'res.headers["set-cookie"]',
  '*.apiToken',
  '*.notificationKey',
  '*.password',
  '*.adminToken',
  '*.token',
  '*.licenseToken',
  '*.secret',
  '*.authorization',
  '*.Authorization',
];

export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
      },
      autoLogging: {
        ignore: (req: IncomingMessage) =>
          req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
