import { StoredAuditEvent } from '../../ports/store.port';

export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

export interface NewAlertDelivery {
  id: string;
  /** Names one configured endpoint (a digest of site and URL): the secret never enters the database. */
  endpointKey: string;
  siteId: string;
  eventId: number;
  eventType: string;
  /** The exact JSON sent, fixed when the alert is queued so every retry carries the same bytes. */
  body: string;
  createdAt: Date;
}

export interface AlertDelivery extends NewAlertDelivery {
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  deliveredAt?: Date;
  updatedAt: Date;
}

/**
 * The durable outbox of staff alerts. A cursor over the audit log turns events into deliveries; cursor and
 * deliveries move in one transaction, and (endpointKey, eventId) is unique, so a restart loses nothing and
 * queues nothing twice.
 */
export abstract class AlertOutbox {
  /** The last audit event id already turned into deliveries; null before the first run. */
  abstract cursor(name: string): Promise<number | null>;
  abstract latestEventId(): Promise<number>;
  abstract eventsAfter(eventId: number, limit: number): Promise<StoredAuditEvent[]>;
  /** Inserts the deliveries not queued yet and moves the cursor, atomically. Returns how many were new. */
  abstract enqueue(name: string, deliveries: NewAlertDelivery[], cursor: number): Promise<number>;
  abstract listDue(now: Date, limit: number): Promise<AlertDelivery[]>;
  abstract list(
    filter: { status?: AlertDeliveryStatus; siteId?: string },
    limit: number,
  ): Promise<AlertDelivery[]>;
  abstract update(delivery: AlertDelivery): Promise<void>;
}
