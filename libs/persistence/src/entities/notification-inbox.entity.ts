import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from './column-transformers';

@Entity('notification_inbox')
export class NotificationInboxEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'channel', type: 'text' })
  channel!: string;

  @Column({ name: 'provider_order_id', type: 'text' })
  providerOrderId!: string;

  @Column({ name: 'provider_status', type: 'text' })
  providerStatus!: string;

  @Column({ name: 'received_at', type: 'bigint', transformer: epochMillis })
  receivedAt!: Date;

  @Column({ name: 'body', type: 'text' })
  body!: string;
}
