import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMillis } from './column-transformers';

@Entity('job_leases')
export class JobLeaseEntity {
  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'owner', type: 'text' })
  owner!: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: epochMillis })
  expiresAt!: Date;
}
