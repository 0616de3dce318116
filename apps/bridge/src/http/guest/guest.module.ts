import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CoreModule } from '@bridge/core';
import express, { NextFunction, Request, Response } from 'express';
import { GuestController } from './guest.controller';
import { tooManyPage } from './guest-pages';
import { pickLang } from './html';
import { RateLimiter, clientKey, rateLimited } from './rate-limit';

/** Each guest visit re-reads the POS: a modest limit per address keeps a loop or a scanner off it. */
export const GUEST_RATE_LIMIT = { limit: 30, windowMs: 60_000 };

@Module({ imports: [CoreModule], controllers: [GuestController] })
export class GuestModule implements NestModule {
  private readonly limiter = new RateLimiter(GUEST_RATE_LIMIT);

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        (request: Request, response: Response, next: NextFunction) => {
          const wait = this.limiter.take(clientKey(request));
          if (wait > 0) return rateLimited(response, wait, tooManyPage(pickLang(request)));
          next();
        },
        express.urlencoded({ extended: false, limit: '2kb' }),
      )
      .forRoutes(GuestController);
  }
}
