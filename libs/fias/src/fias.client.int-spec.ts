import { connect } from 'node:net';
import { Money, UpstreamOutcomeUnknownError, UpstreamUnavailableError } from '@bridge/core';
import { FiasSimulator, FiasSimulatorOptions, startFiasSimulator } from '../../../apps/simulators/src/fias';
import { fieldValue } from './fias.codec';
import { FiasClient, FiasClientOptions, fiasPosFailureReason } from './fias.client';
import { FiasRejectedError } from './fias.errors';
import { FiasLink, FiasLinkOptions, FiasLinkState, FiasUnsolicitedRecord } from './fias.link';
import { InMemoryFiasPostingNumberStore } from './fias.posting-number';

const rub = (minor: number): Money => Money.of(minor, 'RUB');

interface Harness {
  sim: FiasSimulator;
  link: FiasLink;
  client: FiasClient;
  states: FiasLinkState[];
  events: FiasUnsolicitedRecord[];
  unmatched: string[];
}

const open: Array<{ link: FiasLink; sim: FiasSimulator }> = [];

async function harness(
  linkOptions: Partial<FiasLinkOptions> = {},
  simOptions: FiasSimulatorOptions = {},
  clientOptions: Partial<FiasClientOptions> = {},
  store = new InMemoryFiasPostingNumberStore(),
): Promise<Harness> {
  const sim = await startFiasSimulator({ checkoutDelayMs: 20, ...simOptions });
  const link = new FiasLink(
    {
      host: sim.host,
      port: sim.port,
      currency: 'RUB',
      linkStartWaitMs: 100,
      answerTimeoutMs: 1000,
      postingTimeoutMs: 1000,
      awaitAliveMs: 2000,
      linkEndWaitMs: 300,
      reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
      ...linkOptions,
    },
    { postingNumbers: store },
  );
  const states: FiasLinkState[] = [];
  const events: FiasUnsolicitedRecord[] = [];
  const unmatched: string[] = [];
  link.on('state', (change) => states.push(change.to));
  link.on('event', (event) => events.push(event));
  link.on('unmatched', (record) => unmatched.push(record.id));
  open.push({ link, sim });
  link.start();
  await link.waitUntilAlive(3000);
  const client = new FiasClient(link, {
    currency: 'RUB',
    workstation: 'BRIDGE1',
    salesOutlet: '10',
    paymentMethod: 'IBOX',
    ...clientOptions,
  });
  return { sim, link, client, states, events, unmatched };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function matchFor(client: FiasClient, room: string, reservation: string) {
  const inquiry = await client.inquire(room);
  if (!inquiry.found) throw new Error(`inquiry for ${room} answered ${inquiry.status}`);
  const match = inquiry.matches.find((m) => m.reservation === reservation);
  if (!match) throw new Error(`no ${reservation} in ${room}`);
  return { inquiry, match };
}

afterEach(async () => {
  for (const { link, sim } of open.splice(0)) {
    await link.close();
    await sim.close();
  }
});

describe('FiasLink + FiasClient against the FIAS simulator over TCP', () => {
  it('links up with LD (IF PO) and the LR set, and reports health', async () => {
    const { sim, link } = await harness();
    expect(sim.control.state().linkDescription).toEqual({ version: '1.01', interfaceFamily: 'PO' });
    expect(Object.keys(sim.control.state().linkRecords).sort()).toEqual(
      [
        'DE',
        'DR',
        'DS',
        'GC',
        'GI',
        'GO',
        'LA',
        'LE',
        'LS',
        'NE',
        'NS',
        'PA',
        'PL',
        'PR',
        'XB',
        'XI',
        'XR',
      ].sort(),
    );
    expect(link.health()).toMatchObject({ state: 'alive', alive: true, pendingRequests: 0 });
  });

  it('inquires, posts a payment and sees it in the bill view: the folio balance goes down', async () => {
    const { sim, client } = await harness();
    const before = sim.control.folio('12875').balance;
    const { inquiry, match } = await matchFor(client, '2782', '12875');
    expect(match).toMatchObject({ room: '2782', guestName: 'Garibaldi, Mr.', balance: rub(before) });
    const result = await client.post({
      room: '2782',
      reservation: '12875',
      guestName: match.guestName,
      total: rub(100_000),
      inquiryPostingNumber: inquiry.postingNumber,
      checkNumber: 'IB-1',
    });
    expect(result).toMatchObject({ status: 'OK', accepted: true });
    expect(result.postingNumber).toBeGreaterThan(inquiry.postingNumber);
    expect(result.sentText).toContain('|TA100000|S1100000|');
    const view = await client.billView('2782', '12875');
    expect(view.balance).toEqual(rub(before - 100_000));
    expect(view.items[view.items.length - 1]).toMatchObject({
      amount: rub(-100_000),
      departmentCode: '9010',
    });
    expect(sim.control.folio('12875').balance).toBe(before - 100_000);
  });

  it('lists the sharer of a room and reports an unknown room as not found', async () => {
    const { client } = await harness();
    const shared = await client.inquire('2781');
    expect(shared.found && shared.matches.map((m) => m.guestName)).toEqual(['Guest, Mr.', 'Sharer, Mr.']);
    expect(await client.inquire('9999')).toMatchObject({ found: false, status: 'NG' });
  });

  it('reads the reference folio: three items and BA13850', async () => {
    const { client } = await harness();
    const view = await client.billView('2781', '12345');
    expect(view.items.map((item) => [item.description, item.amount.minor])).toEqual([
      ['Telephone', 350],
      ['Room night', 12000],
      ['Minibar', 1500],
    ]);
    expect(view.balance).toEqual(rub(13850));
  });

  it('gets NP, NG (checked out between inquiry and posting), NA and CO answers mapped to failure reasons', async () => {
    const { sim, client, events } = await harness({}, {}, { paymentMethod: 'ROOM' });
    const noPost = await matchFor(client, '1204', '13001');
    const np = await client.post({
      room: '1204',
      reservation: '13001',
      total: rub(100),
      inquiryPostingNumber: noPost.inquiry.postingNumber,
    });
    expect(np.status).toBe('NP');

    const gone = await matchFor(client, '2782', '12875');
    sim.control.checkOut('12875');
    const ng = await client.post({
      room: '2782',
      reservation: '12875',
      total: rub(100),
      inquiryPostingNumber: gone.inquiry.postingNumber,
    });
    expect(ng.status).toBe('NG');

    const limited = await matchFor(client, '1010', '13100');
    const co = await client.post({
      room: '1010',
      reservation: '13100',
      total: rub(60_000),
      inquiryPostingNumber: limited.inquiry.postingNumber,
    });
    expect(co.status).toBe('CO');

    sim.control.startNightAudit();
    const na = await client.post({
      room: '1010',
      reservation: '13100',
      total: rub(100),
      inquiryPostingNumber: limited.inquiry.postingNumber,
    });
    expect(na.status).toBe('NA');
    sim.control.endNightAudit();
    await until(() => events.some((e) => e.id === 'NE'));

    const reasons = [np, ng, co, na].map((r) => (r.status === 'OK' ? 'ok' : fiasPosFailureReason(r.status)));
    expect(reasons).toEqual(['no_post', 'guest_not_found', 'rejected', 'night_audit']);
    expect(events.map((e) => e.id)).toEqual(['GO', 'NS', 'NE']);
  });

  it('a posting whose PA comes too late is an unknown outcome; the late PA is reported and it did apply', async () => {
    const { sim, client, unmatched } = await harness({ postingTimeoutMs: 300 });
    const { inquiry } = await matchFor(client, '2782', '12875');
    const before = sim.control.folio('12875').balance;
    sim.control.delayAnswers({ ms: 600, records: ['PA'] });
    await expect(
      client.post({
        room: '2782',
        reservation: '12875',
        total: rub(500),
        inquiryPostingNumber: inquiry.postingNumber,
      }),
    ).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
    await until(() => unmatched.includes('PA'));
    expect(sim.control.folio('12875').balance).toBe(before - 500);
  });

  it('a socket lost after the posting is an unknown outcome; the link reconnects and works again', async () => {
    const { sim, link, client, states } = await harness();
    const { inquiry } = await matchFor(client, '2782', '12875');
    sim.control.dropOnNextPosting({ applyFirst: true });
    const before = sim.control.folio('12875').balance;
    await expect(
      client.post({
        room: '2782',
        reservation: '12875',
        total: rub(700),
        inquiryPostingNumber: inquiry.postingNumber,
      }),
    ).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
    expect(sim.control.folio('12875').balance).toBe(before - 700);
    await link.waitUntilAlive(3000);
    expect(states).toContain('reconnect_wait');
    expect((await client.inquire('2782')).found).toBe(true);
  });

  it('relinks when the PMS sends LS again, without losing a pending posting', async () => {
    const { sim, link, client, states } = await harness();
    const { inquiry } = await matchFor(client, '2782', '12875');
    sim.control.delayAnswers({ ms: 150, records: ['PA'] });
    const posting = client.post({
      room: '2782',
      reservation: '12875',
      total: rub(900),
      inquiryPostingNumber: inquiry.postingNumber,
    });
    await sim.waitForRecord('PR');
    sim.control.sendLinkStart();
    await expect(posting).resolves.toMatchObject({ status: 'OK' });
    await link.waitUntilAlive(2000);
    expect(states.slice(-2)).toEqual(['configuring', 'alive']);
    expect(sim.received('LD')).toHaveLength(2);
  });

  it('keeps the link alive with LS/LA checks', async () => {
    const { sim, link } = await harness({ aliveIntervalMs: 50, aliveTimeoutMs: 200 });
    const before = sim.received('LS').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.received('LS').length - before).toBeGreaterThanOrEqual(3);
    expect(link.state).toBe('alive');
  });

  it('emits GI, GC and GO, and a DR resync as DS, GI (swap) ..., DE', async () => {
    const { sim, link, events } = await harness();
    sim.control.checkIn({ reservation: '13200', room: '1605', guestName: 'Kuznetsova, Ms.' });
    sim.control.moveRoom('13200', '1606');
    sim.control.checkOut('13200');
    await until(() => events.length === 3);
    expect(events).toEqual([
      {
        id: 'GI',
        data: expect.objectContaining({ room: '1605', reservation: '13200', guestName: 'Kuznetsova, Ms.' }),
      },
      { id: 'GC', data: expect.objectContaining({ room: '1606', oldRoom: '1605', reservation: '13200' }) },
      { id: 'GO', data: expect.objectContaining({ room: '1606', reservation: '13200' }) },
    ]);
    events.length = 0;
    await link.requestResync();
    await until(() => events.some((e) => e.id === 'DE'));
    expect(events.map((e) => e.id)).toEqual(['DS', 'GI', 'GI', 'GI', 'GI', 'GI', 'DE']);
    expect(events.filter((e) => e.id === 'GI').every((e) => 'swap' in e.data && e.data.swap === true)).toBe(
      true,
    );
  });

  it('reports a disabled bill view as FiasRejectedError UR', async () => {
    const { client } = await harness({}, { billView: false });
    await expect(client.billView('2781', '12345')).rejects.toEqual(expect.any(FiasRejectedError));
    await expect(client.billView('2781', '12345')).rejects.toMatchObject({ answerStatus: 'UR' });
  });

  it('runs a remote checkout: XC OK, then GO', async () => {
    const { client, events } = await harness();
    expect(await client.remoteCheckout('2781', '12345', rub(1))).toMatchObject({ status: 'BM' });
    expect(await client.remoteCheckout('2781', '12345', rub(13850))).toMatchObject({ status: 'OK' });
    await until(() => events.some((e) => e.id === 'GO'));
  });

  it('closes with LE answered by LE', async () => {
    const { sim, link } = await harness();
    await link.close();
    expect(link.state).toBe('stopped');
    expect(sim.received('LE')).toHaveLength(1);
    expect(sim.control.traffic().some((t) => t.direction === 'out' && t.text.startsWith('LE|'))).toBe(true);
  });

  it('survives another client stealing the link: it reconnects and takes it back', async () => {
    const { sim, link, client, states } = await harness();
    const thief = connect({ host: sim.host, port: sim.port });
    await until(() => sim.control.state().connectionsAccepted === 2);
    thief.destroy();
    await until(() => sim.control.state().connectionsAccepted === 3 && link.state === 'alive', 3000);
    expect(states).toContain('reconnect_wait');
    expect((await client.inquire('2781')).found).toBe(true);
  });

  it('never reuses a P# after a restart with the same store', async () => {
    const store = new InMemoryFiasPostingNumberStore();
    const first = await harness({ postingNumberBlock: 5 }, {}, {}, store);
    await first.client.inquire('2781');
    await first.client.inquire('2782');
    await first.link.close();
    const second = new FiasLink(
      { host: first.sim.host, port: first.sim.port, currency: 'RUB', linkStartWaitMs: 100 },
      { postingNumbers: store },
    );
    open.push({ link: second, sim: first.sim });
    second.start();
    await second.waitUntilAlive(2000);
    await new FiasClient(second, { currency: 'RUB', workstation: 'BRIDGE1' }).inquire('2781');
    const numbers = first.sim.received('PR').map((record) => Number(fieldValue(record, 'P#')));
    expect(numbers).toEqual([1, 2, 6]);
  });

  it('works with LRC + ACK/NAK framing and windows-1251 names', async () => {
    const { sim, client } = await harness(
      { lrc: true, ack: true, encoding: 'windows-1251' },
      { lrc: true, ack: true, encoding: 'windows-1251' },
    );
    sim.control.checkIn({ reservation: '14000', room: '707', guestName: 'Соколов, Mr.' });
    const found = await client.inquire('Сок');
    expect(found.found && found.matches[0]).toMatchObject({
      reservation: '14000',
      guestName: 'Соколов, Mr.',
    });
  });

  it('fails fast with UpstreamUnavailableError while the PMS is unreachable', async () => {
    const sim = await startFiasSimulator();
    const port = sim.port;
    await sim.close();
    const link = new FiasLink(
      {
        host: '127.0.0.1',
        port,
        currency: 'RUB',
        awaitAliveMs: 200,
        reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
      },
      { postingNumbers: new InMemoryFiasPostingNumberStore() },
    );
    link.start();
    await expect(
      new FiasClient(link, { currency: 'RUB', workstation: 'W' }).inquire('1'),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(link.health().reconnectAttempt).toBeGreaterThan(0);
    await link.close();
  });
});
