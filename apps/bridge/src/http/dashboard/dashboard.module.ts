import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CoreModule } from '@bridge/core';
import express, { NextFunction, Request, Response } from 'express';
import { OperatorApiModule } from '../api/operator-api.module';
import { pickLang } from '../guest/html';
import { RateLimiter, clientKey, rateLimited } from '../guest/rate-limit';
import { AssetsController } from './assets.controller';
import { DashboardController, DashboardFragmentsController } from './dashboard.controller';
import { signInPage } from './dashboard-pages';

/** Guessing the admin token through the sign-in form is slowed to a crawl. */
const SIGN_IN_LIMIT = { limit: 10, windowMs: 5 * 60_000 };

@Module({
  imports: [CoreModule, OperatorApiModule],
  controllers: [DashboardController, DashboardFragmentsController, AssetsController],
})
export class DashboardModule implements NestModule {
  private readonly limiter = new RateLimiter(SIGN_IN_LIMIT);

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(express.urlencoded({ extended: false, limit: '2kb' })).forRoutes(DashboardController);
    consumer
      .apply((request: Request, response: Response, next: NextFunction) => {
        if (request.method !== 'POST' || !request.path.endsWith('/sign-in')) return next();
        const wait = this.limiter.take(clientKey(request));
        if (wait > 0) return rateLimited(response, wait, signInPage(pickLang(request), true));
        next();
      })
      .forRoutes(DashboardController);
  }
}
