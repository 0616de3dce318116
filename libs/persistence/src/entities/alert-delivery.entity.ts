import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

@Entity('alert_deliveries')
export class AlertDeliveryEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'endpoint_key', type: 'text' })
  endpointKey!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'event_id', type: 'bigint', transformer: bigintNumber })
  eventId!: number;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'body', type: 'text' })
  body!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'attempts', type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMillis })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'delivered_at', type: 'bigint', nullable: true, transformer: epochMillis })
  deliveredAt!: Date | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: Date;
}
