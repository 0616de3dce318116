import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintNumber, epochMillis } from './column-transformers';

@Entity('events')
export class EventEntity {
  @PrimaryColumn({ name: 'id', type: 'bigint', transformer: bigintNumber })
  @Generated('increment')
  id!: number;

  @Column({ name: 'at', type: 'bigint', transformer: epochMillis })
  at!: Date;

  @Column({ name: 'site_id', type: 'text' })
  siteId!: string;

  @Column({ name: 'type', type: 'text' })
  type!: string;

  @Column({ name: 'bill_id', type: 'text', nullable: true })
  billId!: string | null;

  @Column({ name: 'link_id', type: 'text', nullable: true })
  linkId!: string | null;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'settlement_id', type: 'text', nullable: true })
  settlementId!: string | null;

  @Column({ name: 'data', type: 'text' })
  data!: string;
}
