import { Stack, startStack } from '../../support/stack';
import { waitFor } from '../../support/wait-for';

interface SiteDetail {
  status: string;
  state: string;
  error?: { code: string; message: string };
}

interface Readiness {
  status: string;
  details: Record<string, SiteDetail>;
}

async function readiness(stack: Stack): Promise<{ httpStatus: number; body: Readiness }> {
  const response = await fetch(`${stack.bridgeUrl}/readyz`);
  return { httpStatus: response.status, body: (await response.json()) as Readiness };
}

function siteWhen(stack: Stack, accept: (site: SiteDetail) => boolean, what: string): Promise<SiteDetail> {
  return waitFor(
    async () => {
      const site = (await readiness(stack)).body.details['site:cafe-1'];
      return site && accept(site) ? site : undefined;
    },
    { what, intervalMs: 10 },
  );
}

describe('r_keeper: what goes wrong upstream shows as a degraded site, and the bridge keeps running', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack?.close());

  it.each([
    [
      'malformed XML',
      'UPSTREAM.PROTOCOL',
      () => stack.rkeeper.control.malformedNext({ cmd: 'GetOrderList' }),
    ],
    [
      'wrong credentials',
      'UPSTREAM.AUTH',
      () => stack.rkeeper.control.unauthorizedNext({ cmd: 'GetOrderList' }),
    ],
    [
      'a non-Ok Status',
      'POS.REJECTED',
      () => stack.rkeeper.control.failNext({ cmd: 'GetOrderList', errorText: 'Сервер перегружен' }),
    ],
  ])('%s → %s in /readyz details, then up again', async (_name, code, inject) => {
    await siteWhen(stack, (s) => s.state === 'up', 'the site up');
    inject();
    const degraded = await siteWhen(stack, (s) => s.state === 'degraded', 'the site degraded');
    expect(degraded).toMatchObject({ status: 'degraded', error: { code } });
    const ready = await readiness(stack);
    expect(ready.httpStatus).toBe(200);
    expect(ready.body.details.database).toMatchObject({ status: 'up' });
    expect((await fetch(`${stack.bridgeUrl}/healthz`)).status).toBe(200);
    await siteWhen(stack, (s) => s.state === 'up', 'the site up again');
  });
});

describe('r_keeper: a certificate that does not match the pin', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ rkeeperTlsFingerprint: Array.from({ length: 32 }, () => 'AB').join(':') });
  });

  afterAll(() => stack?.close());

  it('is a TLS error on the site, nothing is sent, and the bridge keeps serving', async () => {
    const site = await siteWhen(stack, (s) => s.state === 'degraded', 'the site degraded');
    expect(site.error).toMatchObject({
      code: 'UPSTREAM.TLS',
      message: expect.stringMatching(/pinned fingerprint/),
    });
    expect(stack.rkeeper.state.requestCounts()).toEqual({});
    expect((await fetch(`${stack.bridgeUrl}/healthz`)).status).toBe(200);
    expect((await readiness(stack)).httpStatus).toBe(200);
  });
});
