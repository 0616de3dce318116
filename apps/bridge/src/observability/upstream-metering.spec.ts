import { PosRejectedError } from '@bridge/core';
import { UpstreamCall, UpstreamCallFeed, metered } from './upstream-metering';

class VendorAdapter {
  readonly vendor = 'acme';
  inner = 0;

  async getBill(id: string): Promise<string> {
    this.inner += 1;
    return this.describe(id);
  }

  async describe(id: string): Promise<string> {
    return `bill ${id}`;
  }

  async applyPayment(): Promise<void> {
    throw new PosRejectedError('locked', 'Order is locked', { upstream: 'acme', operation: 'pay' });
  }

  async checkHealth(): Promise<{ ok: boolean }> {
    return { ok: false };
  }

  async start(): Promise<void> {
    await this.describe('start');
  }

  onBillChanged(): () => void {
    return () => undefined;
  }
}

describe('metered', () => {
  const calls: UpstreamCall[] = [];
  const feed = new UpstreamCallFeed();
  feed.subscribe((call) => calls.push(call));
  const target = new VendorAdapter();
  const sut = metered(target, { siteId: 'cafe-1', vendor: 'acme' }, feed);

  beforeEach(() => calls.splice(0));

  it('keeps the adapter itself: its class, its fields and its vendor-specific methods', async () => {
    expect(sut).toBeInstanceOf(VendorAdapter);
    expect(sut.vendor).toBe('acme');
    await expect(sut.getBill('7')).resolves.toBe('bill 7');
    expect(target.inner).toBe(1);
  });

  it('times each outside call once, not the calls the adapter makes to itself', async () => {
    await sut.getBill('7');
    expect(calls).toEqual([
      expect.objectContaining({
        siteId: 'cafe-1',
        vendor: 'acme',
        operation: 'getBill',
        outcome: 'ok',
        code: '',
      }),
    ]);
    expect(calls[0].seconds).toBeGreaterThanOrEqual(0);
  });

  it('records a failure with its stable code and rethrows it unchanged', async () => {
    await expect(sut.applyPayment()).rejects.toBeInstanceOf(PosRejectedError);
    expect(calls).toEqual([
      expect.objectContaining({ operation: 'applyPayment', outcome: 'error', code: 'POS.LOCKED' }),
    ]);
  });

  it('counts a health check that answers "not ok" as down', async () => {
    await sut.checkHealth();
    expect(calls).toEqual([expect.objectContaining({ operation: 'checkHealth', outcome: 'down' })]);
  });

  it('leaves the lifecycle and synchronous methods alone', async () => {
    await sut.start();
    expect(typeof sut.onBillChanged()).toBe('function');
    expect(calls).toEqual([]);
  });
});
