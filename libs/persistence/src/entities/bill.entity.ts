import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

@Entity('bills')
export class BillEntity {
  @PrimaryColumn({ name: 'id', type: 'text' })
  id!: string;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  @Column({ name: 'kind', type: 'text' })
  kind!: string;

  @Column({ name: 'label', type: 'text' })
  label!: string;

  @Column({ name: 'table_code', type: 'text', nullable: true })
  tableCode!: string | null;

  @Column({ name: 'room_number', type: 'text', nullable: true })
  roomNumber!: string | null;

  @Column({ name: 'guest_name', type: 'text', nullable: true })
  guestName!: string | null;

  @Column({ name: 'guest_email', type: 'text', nullable: true })
  guestEmail!: string | null;

  @Column({ name: 'currency', type: 'text' })
  currency!: string;

  /** JSON: lines with quantities in thousandths and totals in minor units of `currency`. */
  @Column({ name: 'lines', type: 'text' })
  lines!: string;

  @Column({ name: 'total_minor', type: 'bigint', transformer: bigintNumber })
  totalMinor!: number;

  @Column({ name: 'paid_minor', type: 'bigint', transformer: bigintNumber })
  paidMinor!: number;

  @Column({ name: 'amount_due_minor', type: 'bigint', transformer: bigintNumber })
  amountDueMinor!: number;

  @Column({ name: 'external_version', type: 'text' })
  externalVersion!: string;

  @Column({ name: 'fingerprint', type: 'text' })
  fingerprint!: string;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  @Column({ name: 'status', type: 'text' })
  status!: string;

  @Column({ name: 'attributes', type: 'text' })
  attributes!: string;

  @Column({ name: 'first_seen_at', type: 'bigint', transformer: epochMillis })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'bigint', transformer: epochMillis })
  lastSeenAt!: Date;

  @Column({ name: 'closed_at', type: 'bigint', nullable: true, transformer: epochMillis })
  closedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMillis })
  updatedAt!: Date;
}
