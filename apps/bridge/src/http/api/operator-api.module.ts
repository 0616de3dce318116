import { Module } from '@nestjs/common';
import { CoreModule } from '@bridge/core';
import { QrController } from '../qr/qr.controller';
import { SlipPrinter } from '../qr/slip-printer';
import { BillsController } from './bills.controller';
import { EventFeed } from './event-feed';
import { EventsController } from './events.controller';
import { OperatorActionsController } from './operator-actions.controller';
import { OperatorAuth, OperatorAuthGuard } from './operator-auth';
import { ReportsController } from './reports.controller';
import { SitesController } from './sites.controller';

/** The operator API under /api/v1 (documented at /api/docs), behind the admin token. */
@Module({
  imports: [CoreModule],
  controllers: [
    SitesController,
    BillsController,
    QrController,
    OperatorActionsController,
    EventsController,
    ReportsController,
  ],
  providers: [OperatorAuth, OperatorAuthGuard, EventFeed, SlipPrinter],
  exports: [OperatorAuth, OperatorAuthGuard],
})
export class OperatorApiModule {}
