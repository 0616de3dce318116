import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

// Money leaves the bridge as integer minor units plus currency: { amount: 105050, currency: 'RUB' }.

const SITE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const BOARD_STATUSES = ['needs_attention', 'paid', 'link_active', 'applied', 'open', 'closed'] as const;
const SETTLEMENT_STATUSES = [
  'pending',
  'in_flight',
  'applied',
  'unknown_outcome',
  'needs_attention',
  'resolved',
] as const;
const LINK_STATUSES = ['creating', 'active', 'superseded', 'canceled', 'expired', 'paid', 'failed'] as const;

export class MoneyDto {
  @ApiProperty({ description: 'Integer minor units (kopecks)', example: 105050, type: 'integer' })
  amount!: number;

  @ApiProperty({ description: 'ISO 4217', example: 'RUB' })
  currency!: string;
}

export class ErrorFieldDto {
  @ApiProperty() name!: string;
  @ApiProperty() code!: string;
  @ApiPropertyOptional() message?: string;
}

export class ErrorDetailDto {
  @ApiProperty({ description: 'Stable error code', example: 'BILL.NOT_FOUND' })
  code!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ type: [ErrorFieldDto] })
  fields?: ErrorFieldDto[];
}

export class ErrorBodyDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}

export class SiteHealthErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class SiteHealthDto {
  @ApiProperty({ enum: ['up', 'degraded', 'unknown'] })
  status!: 'up' | 'degraded' | 'unknown';

  @ApiPropertyOptional({ format: 'date-time' }) checkedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastSuccessAt?: string;
  @ApiPropertyOptional({ type: SiteHealthErrorDto }) error?: SiteHealthErrorDto;
}

export class SiteDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['rkeeper', 'fias'] }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['ru', 'en'] }) language!: string;
  @ApiProperty({ description: 'A receipt printer is configured: slips can be printed' }) printer!: boolean;
  @ApiProperty({ type: SiteHealthDto }) health!: SiteHealthDto;
}

export class BillLineDto {
  @ApiProperty() name!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ description: 'Decimal quantity', example: '2' }) quantity!: string;
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
}

export class BillDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ enum: ['table_check', 'room_folio'] }) kind!: string;
  @ApiProperty({ example: 'Стол 5' }) label!: string;
  @ApiProperty({ type: String, nullable: true }) tableCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) roomNumber!: string | null;
  @ApiProperty({ enum: ['open', 'closed', 'gone'] }) status!: string;
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Paid or prepaid at the POS/PMS' }) paid!: MoneyDto;
  @ApiProperty({ type: MoneyDto }) amountDue!: MoneyDto;
  @ApiProperty({ description: 'The POS/PMS version of the bill' }) version!: string;
  @ApiProperty({ type: [BillLineDto] }) lines!: BillLineDto[];
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PaymentLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: LINK_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) statusReason!: string | null;
  @ApiProperty() merchantOrderId!: string;
  @ApiProperty({ type: MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ type: String, nullable: true }) paymentUrl!: string | null;
  @ApiProperty() billVersion!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['confirmed', 'refund_pending', 'refunded'] }) status!: string;
  @ApiProperty({ type: MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ enum: ['webhook', 'websocket', 'poll', 'replay'] }) channel!: string;
  @ApiProperty() providerOrderId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paidAt!: string | null;
  @ApiProperty({ type: MoneyDto }) excess!: MoneyDto;
  @ApiProperty({ enum: ['none', 'open', 'refund_pending', 'refunded', 'kept'] }) excessStatus!: string;
  @ApiProperty({ type: MoneyDto, description: 'What may be refunded now' }) refundable!: MoneyDto;
  @ApiProperty({ type: MoneyDto }) refunded!: MoneyDto;
}

export class SettlementErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class SettlementDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({ format: 'uuid' }) billId!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({ enum: SETTLEMENT_STATUSES }) status!: string;
  @ApiProperty({ type: String, enum: ['close', 'prepayment'], nullable: true }) mode!: string | null;
  @ApiProperty({ type: MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ type: MoneyDto, nullable: true }) appliedAmount!: MoneyDto | null;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: String, nullable: true }) attentionReason!: string | null;
  @ApiProperty({ type: SettlementErrorDto, nullable: true }) lastError!: SettlementErrorDto | null;
  @ApiProperty({ type: String, nullable: true }) externalRef!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) appliedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolutionNote!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class EventDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({ example: 'settlement.applied' }) type!: string;
  @ApiProperty({ type: String, nullable: true }) billId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Never secrets' })
  data!: Record<string, unknown>;
}

export class BillDetailsDto extends BillDto {
  @ApiProperty({ type: [PaymentLinkDto] }) links!: PaymentLinkDto[];
  @ApiProperty({ type: [PaymentDto] }) payments!: PaymentDto[];
  @ApiProperty({ type: [SettlementDto] }) settlements!: SettlementDto[];
  @ApiProperty({ type: [EventDto] }) events!: EventDto[];
}

export class IssuedLinkDto {
  @ApiProperty({ format: 'uuid' }) linkId!: string;
  @ApiProperty({ example: 'https://pay.invoicebox.ru/...' }) paymentUrl!: string;
  @ApiProperty({ type: 'integer', description: 'Minor units', example: 105050 }) amount!: number;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty() qrSvgUrl!: string;
  @ApiProperty() qrPngUrl!: string;
}

export class PrintResultDto {
  @ApiProperty({ format: 'uuid' }) linkId!: string;
  @ApiProperty({ description: 'host:port of the printer' }) printer!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ description: 'The printer closed the connection after reading the job' })
  confirmed!: boolean;
}

export class BillRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ type: String, nullable: true }) tableCode!: string | null;
  @ApiProperty({ enum: ['open', 'closed', 'gone'] }) status!: string;
}

export class AttentionSettlementDto {
  @ApiProperty({ type: SettlementDto }) settlement!: SettlementDto;
  @ApiProperty({ type: PaymentDto, nullable: true }) payment!: PaymentDto | null;
  @ApiProperty({ type: BillRefDto, nullable: true }) bill!: BillRefDto | null;
}

export class AttentionPaymentDto {
  @ApiProperty({ type: PaymentDto }) payment!: PaymentDto;
  @ApiProperty({ type: SettlementDto, nullable: true }) settlement!: SettlementDto | null;
  @ApiProperty({ type: BillRefDto, nullable: true }) bill!: BillRefDto | null;
}

export class AttentionDto {
  @ApiProperty({ type: [AttentionSettlementDto] }) settlements!: AttentionSettlementDto[];
  @ApiProperty({
    type: [AttentionPaymentDto],
    description: 'Overpayments applied at the POS: the rest awaits a refund',
  })
  payments!: AttentionPaymentDto[];
}

export class RefundResultDto {
  @ApiProperty({ format: 'uuid' }) paymentId!: string;
  @ApiProperty({ description: 'Deterministic: <paymentId>:excess' }) refundId!: string;
  @ApiProperty({ enum: ['refunded', 'refund_pending'] }) status!: string;
  @ApiProperty({ type: MoneyDto }) amount!: MoneyDto;
  @ApiProperty({ type: String, nullable: true }) providerRefundId!: string | null;
}

export class FloorBillDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: ['table_check', 'room_folio'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) tableCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) roomNumber!: string | null;
  @ApiProperty({ enum: BOARD_STATUSES }) status!: string;
  @ApiProperty({ enum: ['open', 'closed', 'gone'] }) billStatus!: string;
  @ApiProperty({ type: MoneyDto }) total!: MoneyDto;
  @ApiProperty({ type: MoneyDto }) amountDue!: MoneyDto;
  @ApiProperty({ type: MoneyDto, description: 'Paid through the bridge' }) paidOnline!: MoneyDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) linkExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class FloorSiteDto extends SiteDto {
  @ApiProperty({ type: [FloorBillDto] }) bills!: FloorBillDto[];
}

export class FloorDto {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [FloorSiteDto] }) sites!: FloorSiteDto[];
}

export class LatencyPointDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({ type: 'integer' }) latencyMs!: number;
}

export class LatencySummaryDto {
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: 'integer', nullable: true }) p50Ms!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) p95Ms!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) maxMs!: number | null;
}

export class LatencyDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [LatencyPointDto] }) points!: LatencyPointDto[];
  @ApiProperty({ type: LatencySummaryDto }) summary!: LatencySummaryDto;
}

export class ReconciliationReportDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The report as the reconciliation wrote it',
  })
  report!: Record<string, unknown>;
}

export class ListBillsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SITE_ID)
  siteId?: string;

  @ApiPropertyOptional({ enum: ['open', 'closed', 'gone'] })
  @IsOptional()
  @IsIn(['open', 'closed', 'gone'])
  status?: 'open' | 'closed' | 'gone';

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class SiteFilterQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(SITE_ID)
  siteId?: string;
}

export class ListEventsQuery extends SiteFilterQuery {
  @ApiPropertyOptional({
    description: 'Comma-separated event types',
    example: 'settlement.applied,payment.confirmed',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter(Boolean) : value,
  )
  @IsString({ each: true })
  @Matches(/^[a-z_]+\.[a-z_]+$/, { each: true })
  types?: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  since?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class LatencyQuery extends SiteFilterQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 72, default: 6 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(72)
  hours?: number;
}

export class ReportsQuery extends SiteFilterQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 90, default: 7 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}

export class OperatorBody {
  @ApiPropertyOptional({ description: 'Who acts, for the audit log', maxLength: 60 })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  operator?: string;
}

export class ResolveSettlementBody extends OperatorBody {
  @ApiProperty({ description: 'What was done by hand', minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  comment!: string;
}
