import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ValidationPipe } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { BridgeModule, BridgeModuleOptions } from './bridge.module';
import { BridgeConfig } from './config/bridge-config';
import { LoadedConfig } from './config/load-config';
import { setupOpenApi } from './http/api/openapi';

/** Invoicebox notifications are small; anything bigger is refused before it is read into memory. */
export const WEBHOOK_BODY_LIMIT = '64kb';

export interface BootstrapOptions extends BridgeModuleOptions {
  factory: Pick<typeof NestFactory, 'create'>;
}

/** Builds the HTTP app the same way for the service and for the e2e tests. */
export async function bootstrapBridge(
  loaded: LoadedConfig,
  options: BootstrapOptions,
): Promise<NestExpressApplication> {
  const app = await options.factory.create<NestExpressApplication>(BridgeModule.forRoot(loaded, options), {
    bodyParser: false,
    bufferLogs: true,
  });
  configureApp(app);
  return app;
}

export function configureApp(app: NestExpressApplication): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', app.get(BridgeConfig).server.trustProxy);
  app.use(helmet());
  // The signature covers the exact bytes, so webhooks get the raw body whatever their content type.
  app.use('/webhooks', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  app.use(express.json({ limit: '256kb' }));
  app.use(
    '/webhooks',
    (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (error.type === 'entity.too.large') {
        res
          .status(413)
          .json({ status: 'error', code: 'payload_too_large', message: `Body over ${WEBHOOK_BODY_LIMIT}` });
        return;
      }
      next(error);
    },
  );
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  setupOpenApi(app);
}
