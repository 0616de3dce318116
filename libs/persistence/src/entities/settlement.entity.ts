import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

/** amount and applied_amount are both in `currency`. */
@Entity('settlements')
export class SettlementEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'bill_id', type: 'text' })
  billId!: string;

  @Column({ name: 'bill_external_id', type: 'text' })
  billExternalId!: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintNumber })
  amountMinor!: number;

  @Column({ name: 'currency', type: 'text' })
  currency!: string;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'attempts', type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: epochMillis })
  nextAttemptAt!: Date;

  @Column({ name: 'mode', type: 'text', nullable: true })
  mode!: string | null;

  @Column({ name: 'applied_amount_minor', type: 'bigint', nullable: true, transformer: bigintNumber })
  appliedAmountMinor!: number | null;

  @Column({ name: 'external_ref', type: 'text', nullable: true })
  externalRef!: string | null;

  @Column({ name: 'last_error_code', type: 'text', nullable: true })
  lastErrorCode!: string | null;

  @Column({ name: 'last_error_message', type: 'text', nullable: true })
  lastErrorMessage!: string | null;

  @Column({ name: 'attention_reason', type: 'text', nullable: true })
  attentionReason!: string | null;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_expires_at', type: 'bigint', nullable: true, transformer: epochMillis })
  leaseExpiresAt!: Date | null;

  @Column({ name: 'sent_at', type: 'bigint', nullable: true, transformer: epochMillis })
  sentAt!: Date | null;

  @Column({ name: 'applied_at', type: 'bigint', nullable: true, transformer: epochMillis })
  appliedAt!: Date | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote!: string | null;

  @Column({ name: 'resolved_by', type: 'text', nullable: true })
  resolvedBy!: string | null;

  @Column({ name: 'version', type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: Date;
}
