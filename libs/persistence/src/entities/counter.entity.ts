import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './column-transformers';

@Entity('counters')
export class CounterEntity {
  @PrimaryColumn({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'value', type: 'bigint', transformer: bigintNumber })
  value!: number;
}
