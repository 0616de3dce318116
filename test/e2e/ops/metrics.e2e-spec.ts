import { RunDailyReconciliation, localDate } from '@bridge/core';
import { CAFE_MERCHANT, STACK_ADMIN_TOKEN, Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';
import { billWhen, issueLink, openOrder, settlementWhen } from '../rkeeper/support';
import { scrape, valueOf } from './support/prometheus';

describe('GET /metrics after a demo payment', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ invoiceboxPollIntervalSeconds: 3600 });
  });

  afterAll(() => stack?.close());

  it('shows the upstream calls, the notification and the settlement with their labels, and no secret', async () => {
    const guid = openOrder(stack, 7);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order at table 7');
    const link = await issueLink(stack, bill.id);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');
    await settlementWhen(stack, bill.id, (s) => s.status === 'applied', 'the settlement applied');
    await fetch(`${stack.bridgeUrl}/webhooks/invoicebox/cafe-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': 'f'.repeat(40) },
      body: '{"id":"forged"}',
    });
    await fetch(`${stack.bridgeUrl}/webhooks/invoicebox/nowhere`, { method: 'POST', body: '{}' });

    const { status, text, samples } = await waitFor(
      async () => {
        const scraped = await scrape(stack.bridgeUrl);
        const lag = valueOf(scraped.samples, 'pos_bridge_settlement_lag_seconds_count', { site: 'cafe-1' });
        return lag === 1 ? scraped : undefined;
      },
      { what: 'the settlement lag observed' },
    );
    expect(status).toBe(200);

    const call = (vendor: string, operation: string) =>
      valueOf(samples, 'pos_bridge_upstream_call_duration_seconds_count', {
        site: 'cafe-1',
        vendor,
        operation,
        outcome: 'ok',
        code: '',
      });
    expect(call('invoicebox', 'createLink')).toBe(1);
    expect(call('rkeeper', 'applyPayment')).toBe(1);
    expect(call('rkeeper', 'listOpenBills')).toBeGreaterThan(0);

    expect(
      valueOf(samples, 'pos_bridge_notifications_total', {
        site: 'cafe-1',
        channel: 'webhook',
        outcome: 'accepted',
        reason: '',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, 'pos_bridge_notifications_total', {
        site: 'cafe-1',
        channel: 'webhook',
        outcome: 'rejected',
        reason: 'signature',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, 'pos_bridge_notifications_total', { site: 'unknown', reason: 'unknown_site' }),
    ).toBe(1);

    expect(
      valueOf(samples, 'pos_bridge_settlement_attempts_total', { site: 'cafe-1', result: 'applied' }),
    ).toBe(1);
    expect(valueOf(samples, 'pos_bridge_settlement_lag_seconds_bucket', { site: 'cafe-1', le: '+Inf' })).toBe(
      1,
    );
    expect(valueOf(samples, 'pos_bridge_settlements', { status: 'applied' })).toBe(1);
    expect(valueOf(samples, 'pos_bridge_settlements', { status: 'needs_attention' })).toBe(0);
    expect(valueOf(samples, 'pos_bridge_payment_links', { site: 'cafe-1', status: 'paid' })).toBe(1);
    expect(valueOf(samples, 'pos_bridge_site_up', { site: 'cafe-1' })).toBe(1);
    expect(valueOf(samples, 'pos_bridge_database_up')).toBe(1);

    for (const secret of [
      STACK_ADMIN_TOKEN,
      CAFE_MERCHANT.token,
      CAFE_MERCHANT.notificationKey,
      stack.rkeeper.password,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("shows the latest daily reconciliation's mismatches per site and kind", async () => {
    stack.sandbox.control.holdNotifications('webhook');
    const guid = openOrder(stack, 8);
    const bill = await billWhen(stack, guid, (b) => b.status === 'open', 'the order at table 8');
    const link = await issueLink(stack, bill.id);
    stack.sandbox.control.payOrder(link.providerOrderId ?? '');
    const date = localDate(new Date(), 'Europe/Moscow');
    const [report] = await stack.app.get(RunDailyReconciliation).execute({ siteId: 'cafe-1', date });
    expect(report.byKind).toEqual({ confirmed_unknown_to_bridge: 1 });

    const { samples } = await scrape(stack.bridgeUrl);
    expect(valueOf(samples, 'pos_bridge_reconciliation_mismatches', { site: 'cafe-1' })).toBe(1);
    expect(
      valueOf(samples, 'pos_bridge_reconciliation_mismatches_by_kind', {
        site: 'cafe-1',
        kind: 'confirmed_unknown_to_bridge',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, 'pos_bridge_reconciliation_report_timestamp_seconds', { site: 'cafe-1' }),
    ).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(
      valueOf(samples, 'pos_bridge_notifications_total', {
        site: 'cafe-1',
        channel: 'replay',
        outcome: 'accepted',
      }),
    ).toBe(1);
  });

  it('needs no token, like the health endpoints', async () => {
    const response = await fetch(`${stack.bridgeUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
