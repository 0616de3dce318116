import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

/** amount, excess and refunded are all in `currency`. */
@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'bill_id', type: 'text' })
  billId!: string;

  @Column({ name: 'link_id', type: 'text' })
  linkId!: string;

  @Column({ name: 'provider_order_id', type: 'text' })
  providerOrderId!: string;

  @Column({ name: 'provider_status', type: 'text' })
  providerStatus!: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintNumber })
  amountMinor!: number;

  @Column({ name: 'currency', type: 'text' })
  currency!: string;

  @Column({ name: 'channel', type: 'text' })
  channel!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'paid_at', type: 'bigint', nullable: true, transformer: epochMillis })
  paidAt!: Date | null;

  @Column({ name: 'excess_minor', type: 'bigint', transformer: bigintNumber })
  excessMinor!: number;

  @Column({ name: 'excess_status', type: 'text' })
  excessStatus!: string;

  @Column({ name: 'refunded_minor', type: 'bigint', transformer: bigintNumber })
  refundedMinor!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: Date;
}
