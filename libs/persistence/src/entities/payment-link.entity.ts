import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

@Entity('payment_links')
export class PaymentLinkEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'bill_id', type: 'text' })
  billId!: string;

  @Column({ name: 'bill_external_id', type: 'text' })
  billExternalId!: string;

  @Column({ name: 'bill_version', type: 'text' })
  billVersion!: string;

  @Column({ name: 'bill_fingerprint', type: 'text' })
  billFingerprint!: string;

  @Column({ name: 'attempt', type: 'integer' })
  attempt!: number;

  @Column({ name: 'merchant_order_id', type: 'text' })
  merchantOrderId!: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintNumber })
  amountMinor!: number;

  @Column({ name: 'currency', type: 'text' })
  currency!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'provider_order_id', type: 'text', nullable: true })
  providerOrderId!: string | null;

  @Column({ name: 'payment_url', type: 'text', nullable: true })
  paymentUrl!: string | null;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: Date;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason!: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: Date;

  /** Bookkeeping of the poller, not part of the domain link. */
  @Column({ name: 'last_polled_at', type: 'bigint', nullable: true, transformer: epochMillis })
  lastPolledAt!: Date | null;
}
