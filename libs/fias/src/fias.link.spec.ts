import { UpstreamOutcomeUnknownError, UpstreamUnavailableError } from '@bridge/core';
import { FiasCodec, FiasRecord, parseRecord } from './fias.codec';
import { FiasProtocolError } from './fias.errors';
import {
  DEFAULT_FIAS_LINK_RECORDS,
  FiasConnection,
  FiasConnectionEvents,
  FiasConnector,
  FiasExchangeRequest,
  FiasLink,
  FiasLinkOptions,
  FiasLinkState,
  FiasUnsolicitedRecord,
} from './fias.link';
import { InMemoryFiasPostingNumberStore } from './fias.posting-number';

const codec = new FiasCodec();
const NOW = new Date(2026, 5, 11, 10, 0, 0);
const STAMP = 'DA260611|TI100000|';

class FakeConnection implements FiasConnection {
  readonly written: Buffer[] = [];
  destroyed = false;

  constructor(readonly events: FiasConnectionEvents) {}

  write(bytes: Buffer): void {
    this.written.push(bytes);
  }

  end(): void {
    this.destroyed = true;
  }

  destroy(): void {
    this.destroyed = true;
  }

  open(): void {
    this.events.connect();
  }

  pms(text: string): void {
    this.events.data(codec.encodeRecordText(text));
  }

  texts(): string[] {
    const decoder = codec.createDecoder();
    return this.written.flatMap((bytes) =>
      decoder.push(bytes).flatMap((item) => (item.kind === 'frame' ? [item.body.toString('latin1')] : [])),
    );
  }

  take(): string[] {
    const texts = this.texts();
    this.written.length = 0;
    return texts;
  }
}

class FakeNetwork {
  readonly connections: FakeConnection[] = [];
  readonly connector: FiasConnector = (_target, events) => {
    const connection = new FakeConnection(events);
    this.connections.push(connection);
    return connection;
  };

  get current(): FakeConnection {
    const last = this.connections[this.connections.length - 1];
    if (!last) throw new Error('no connection yet');
    return last;
  }
}

function setup(options: Partial<FiasLinkOptions> = {}) {
  const network = new FakeNetwork();
  const sut = new FiasLink(
    { host: 'pms', port: 5010, currency: 'RUB', ...options },
    { postingNumbers: new InMemoryFiasPostingNumberStore(), connector: network.connector, clock: () => NOW },
  );
  const states: FiasLinkState[] = [];
  const events: FiasUnsolicitedRecord[] = [];
  const protocolErrors: string[] = [];
  const unmatched: FiasRecord[] = [];
  sut.on('state', (change) => states.push(change.to));
  sut.on('event', (event) => events.push(event));
  sut.on('protocolError', (error) => protocolErrors.push(error.code));
  sut.on('unmatched', (record) => unmatched.push(record));
  return { sut, network, states, events, protocolErrors, unmatched };
}

async function bringAlive(sut: FiasLink, network: FakeNetwork): Promise<FakeConnection> {
  sut.start();
  network.current.open();
  network.current.pms(`LS|${STAMP}`);
  network.current.pms(`LA|${STAMP}`);
  await jest.advanceTimersByTimeAsync(0);
  network.current.take();
  return network.current;
}

const posting = (postingNumber: number, workstation = 'BRIDGE1'): FiasExchangeRequest => ({
  record: parseRecord(`PR|WS${workstation}|RN2781|G#12345|TA100|S1100|P#${postingNumber}|`),
  match: { by: 'posting_number', postingNumber, workstation },
  answers: ['PA'],
  effect: 'write',
  operation: 'PR posting',
  timeoutMs: 60_000,
});

const inquiry = (postingNumber: number): FiasExchangeRequest => ({
  record: parseRecord(`PR|WSBRIDGE1|PI2781|P#${postingNumber}|`),
  match: { by: 'posting_number', postingNumber, workstation: 'BRIDGE1' },
  answers: ['PL', 'PA'],
  effect: 'read',
  operation: 'PR inquiry',
  timeoutMs: 60_000,
});

const billView = (room: string): FiasExchangeRequest => ({
  record: parseRecord(`XR|RN${room}|`),
  match: { by: 'bill_channel', room },
  answers: ['XB'],
  collect: ['XI'],
  effect: 'read',
  operation: 'XR bill view',
});

/** Attaches a rejection handler at once so fake-timer advances never see an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('FiasLink state machine', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers the PMS LS with LD, one LR per record used and LA, then goes alive on LA', () => {
    const { sut, network, states } = setup();
    sut.start();
    network.current.open();
    expect(network.current.take()).toEqual([]);
    network.current.pms(`LS|${STAMP}`);
    const sent = network.current.take();
    expect(sent[0]).toBe(`LD|${STAMP}V#1.01|IFPO|`);
    expect(sent.slice(1, -1)).toHaveLength(DEFAULT_FIAS_LINK_RECORDS.length);
    expect(sent).toContain('LR|RIPA|FLSOWSIDRNG#GNASCTC#DATIP#|');
    expect(sent).toContain('LR|RIXI|FLRNF#G#DCBIBDDATIFD|');
    expect(sent.slice(1, -1).map((text) => text.slice(5, 7))).toEqual([
      'PR',
      'PA',
      'PL',
      'XR',
      'XI',
      'XB',
      'GI',
      'GO',
      'GC',
      'DR',
      'DS',
      'DE',
      'NS',
      'NE',
      'LS',
      'LA',
      'LE',
    ]);
    expect(sent[sent.length - 1]).toBe(`LA|${STAMP}`);
    expect(sut.state).toBe('configuring');
    network.current.pms(`LA|${STAMP}`);
    expect(states).toEqual(['connecting', 'awaiting_link_start', 'configuring', 'alive']);
    expect(sut.health()).toMatchObject({
      state: 'alive',
      alive: true,
      pendingRequests: 0,
      reconnectAttempt: 0,
    });
  });

  it('sends its own LS after 3 s without one from the PMS', async () => {
    const { sut, network } = setup({ interfaceFamily: 'MS' });
    sut.start();
    network.current.open();
    await jest.advanceTimersByTimeAsync(2999);
    expect(network.current.texts()).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    const sent = network.current.take();
    expect(sent.slice(0, 2)).toEqual([`LS|${STAMP}`, `LD|${STAMP}V#1.01|IFMS|`]);
    expect(sut.state).toBe('configuring');
  });

  it('drops a link that never answers LA and reconnects with exponential backoff', async () => {
    const { sut, network, states } = setup({ linkConfigTimeoutMs: 1000, reconnect: { initialDelayMs: 100 } });
    sut.start();
    network.current.open();
    network.current.pms(`LS|${STAMP}`);
    await jest.advanceTimersByTimeAsync(1000);
    expect(sut.state).toBe('reconnect_wait');
    expect(network.connections[0].destroyed).toBe(true);
    await jest.advanceTimersByTimeAsync(100);
    expect(network.connections).toHaveLength(2);
    network.current.open();
    network.current.pms(`LS|${STAMP}`);
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(199);
    expect(network.connections).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(network.connections).toHaveLength(3);
    expect(sut.health().reconnectAttempt).toBe(2);
    expect(states.filter((s) => s === 'reconnect_wait')).toHaveLength(2);
  });

  it('gives up a connect that hangs', async () => {
    const { sut, network } = setup({ connectTimeoutMs: 500 });
    sut.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(network.current.destroyed).toBe(true);
    expect(sut.health().lastError).toBe('connect timeout');
  });

  it('checks the link with LS every interval and reconnects when no LA comes back', async () => {
    const { sut, network } = setup({ aliveIntervalMs: 60_000, aliveTimeoutMs: 5000 });
    const connection = await bringAlive(sut, network);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(connection.take()).toEqual([`LS|${STAMP}`]);
    connection.pms(`LA|${STAMP}`);
    await jest.advanceTimersByTimeAsync(5000);
    expect(sut.state).toBe('alive');
    await jest.advanceTimersByTimeAsync(55_000);
    expect(connection.take()).toEqual([`LS|${STAMP}`]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(sut.state).toBe('reconnect_wait');
    expect(sut.health().lastError).toBe('no LA answer to the alive check');
  });

  it('relinks when the PMS sends LS again, keeping pending requests', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    const pending = settled(sut.exchange(posting(7)));
    await jest.advanceTimersByTimeAsync(0);
    expect(connection.take()).toEqual(['PR|WSBRIDGE1|RN2781|G#12345|TA100|S1100|P#7|']);
    connection.pms(`LS|${STAMP}`);
    expect(sut.state).toBe('configuring');
    expect(connection.take()[0]).toBe(`LD|${STAMP}V#1.01|IFPO|`);
    expect(sut.health().pendingRequests).toBe(1);
    connection.pms('PA|WSBRIDGE1|RN2781|ASOK|P#7|');
    expect((await pending).value?.answer.fields).toContainEqual({ id: 'AS', value: 'OK' });
    connection.pms(`LA|${STAMP}`);
    expect(sut.state).toBe('alive');
  });

  it('times out a posting as outcome-unknown and an inquiry as unavailable; a late answer is reported', async () => {
    const { sut, network, unmatched } = setup();
    const connection = await bringAlive(sut, network);
    const write = settled(sut.exchange({ ...posting(1), timeoutMs: 60_000 }));
    const read = settled(sut.exchange({ ...inquiry(2), timeoutMs: 60_000 }));
    await jest.advanceTimersByTimeAsync(60_000);
    expect((await write).error).toBeInstanceOf(UpstreamOutcomeUnknownError);
    expect((await read).error).toBeInstanceOf(UpstreamUnavailableError);
    connection.pms('PA|WSBRIDGE1|ASOK|P#1|');
    expect(unmatched.map((r) => r.id)).toEqual(['PA']);
    expect(sut.state).toBe('alive');
  });

  it('fails pending requests by effect when the socket drops, then reconnects', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    const write = settled(sut.exchange(posting(1)));
    const read = settled(sut.exchange(inquiry(2)));
    const bill = settled(sut.exchange(billView('2781')));
    const queued = settled(sut.exchange(billView('2782')));
    await jest.advanceTimersByTimeAsync(0);
    connection.events.close();
    const results = await Promise.all([write, read, bill, queued]);
    expect(results.map((r) => r.error?.constructor.name)).toEqual([
      'UpstreamOutcomeUnknownError',
      'UpstreamUnavailableError',
      'UpstreamUnavailableError',
      'UpstreamUnavailableError',
    ]);
    expect((results[3].error as UpstreamUnavailableError).metadata).toMatchObject({ sent: false });
    expect(sut.state).toBe('reconnect_wait');
    await jest.advanceTimersByTimeAsync(500);
    expect(network.connections).toHaveLength(2);
  });

  it('matches answers by P# and WS, and reports foreign ones', async () => {
    const { sut, network, unmatched } = setup();
    const connection = await bringAlive(sut, network);
    const pending = settled(sut.exchange(inquiry(5)));
    await jest.advanceTimersByTimeAsync(0);
    connection.pms('PL|WSOTHER|RN2781|G#1|P#5|');
    connection.pms('PA|WSBRIDGE1|ASOK|P#6|');
    connection.pms('PA|WSBRIDGE1|ASOK|P#abc|');
    expect(unmatched).toHaveLength(3);
    connection.pms('PL|WSBRIDGE1|RN2781|G#1|P#5|');
    expect((await pending).value?.answer.id).toBe('PL');
  });

  it('serialises bill views, collecting XI until XB', async () => {
    const { sut, network, unmatched } = setup();
    const connection = await bringAlive(sut, network);
    const first = settled(sut.exchange(billView('2781')));
    const second = settled(sut.exchange(billView('2782')));
    await jest.advanceTimersByTimeAsync(0);
    expect(connection.take()).toEqual(['XR|RN2781|']);
    connection.pms('XI|RN2781|BI350|');
    connection.pms('XI|RN9999|BI1|');
    connection.pms('XI|RN2781|BI12000|');
    connection.pms('XB|RN2781|BA12350|ASOK|');
    const result = (await first).value;
    expect(result?.collected.map((r) => r.fields[1].value)).toEqual(['350', '12000']);
    expect(unmatched.map((r) => r.id)).toEqual(['XI']);
    expect(connection.take()).toEqual(['XR|RN2782|']);
    connection.pms('XB|ASUR|BA0|RN2782|');
    expect((await second).value?.answer.id).toBe('XB');
  });

  it('emits GI/GO/GC, resync and night audit records as typed events; garbage is only reported', async () => {
    const { sut, network, events, protocolErrors } = setup();
    const connection = await bringAlive(sut, network);
    connection.pms('GI|RN2781|G#12345|GNGuest, Mr.|');
    connection.pms('GC|RN2790|RO2781|G#12345|');
    connection.pms('GO|RN2790|G#12345|');
    connection.pms(`NS|${STAMP}`);
    connection.pms(`NE|${STAMP}`);
    connection.pms(`DS|${STAMP}`);
    connection.pms('GI|RN2781|G#12345|SF|');
    connection.pms(`DE|${STAMP}`);
    connection.events.data(Buffer.from('\u0000\u00ffnoise'));
    connection.pms('GI|G#1|');
    connection.pms('ZZ|AA1|');
    expect(events.map((e) => e.id)).toEqual(['GI', 'GC', 'GO', 'NS', 'NE', 'DS', 'GI', 'DE']);
    expect(events[1]).toEqual({ id: 'GC', data: { room: '2790', oldRoom: '2781', reservation: '12345' } });
    expect(events[6]).toMatchObject({ id: 'GI', data: { swap: true } });
    expect(protocolErrors).toEqual(['FIAS.GARBAGE', 'FIAS.FIELD_MISSING', 'FIAS.RECORD_UNEXPECTED']);
    expect(sut.state).toBe('alive');
  });

  it('requests a resync with DR', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    await sut.requestResync();
    expect(connection.take()).toEqual([`DR|${STAMP}`]);
  });

  it('refuses requests while the link is down, without sending anything', async () => {
    const { sut, network } = setup({ awaitAliveMs: 1000 });
    sut.start();
    network.current.open();
    const result = settled(sut.exchange(posting(1)));
    await jest.advanceTimersByTimeAsync(1000);
    const { error } = await result;
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(network.current.texts()).toEqual([]);
  });

  it('waits for a link that comes alive within awaitAliveMs', async () => {
    const { sut, network } = setup({ awaitAliveMs: 1000 });
    sut.start();
    network.current.open();
    const result = settled(sut.exchange(inquiry(3)));
    network.current.pms(`LS|${STAMP}`);
    network.current.pms(`LA|${STAMP}`);
    await jest.advanceTimersByTimeAsync(0);
    expect(network.current.texts()).toContain('PR|WSBRIDGE1|PI2781|P#3|');
    network.current.pms('PA|WSBRIDGE1|ASNG|P#3|');
    expect((await result).value?.answer.id).toBe('PA');
  });

  it('rejects a record it cannot encode before sending it', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    const bad = { ...posting(9), record: { id: 'PR', fields: [{ id: 'GN', value: 'Иван' }] } };
    const { error } = await settled(sut.exchange(bad));
    expect(error).toBeInstanceOf(FiasProtocolError);
    expect(connection.texts()).toEqual([]);
    expect(sut.health().pendingRequests).toBe(0);
  });

  it('closes with LE and waits for the PMS LE', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    const pending = settled(sut.exchange(inquiry(4)));
    await jest.advanceTimersByTimeAsync(0);
    connection.take();
    const closing = sut.close();
    expect(connection.take()).toEqual([`LE|${STAMP}`]);
    connection.pms(`LE|${STAMP}`);
    await closing;
    expect(sut.state).toBe('stopped');
    expect(connection.destroyed).toBe(true);
    expect((await pending).error).toBeInstanceOf(UpstreamUnavailableError);
    await expect(sut.waitUntilAlive()).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('closes after ~2 s when the PMS does not answer LE', async () => {
    const { sut, network } = setup();
    await bringAlive(sut, network);
    const closing = sut.close();
    await jest.advanceTimersByTimeAsync(2000);
    await closing;
    expect(sut.state).toBe('stopped');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(network.connections).toHaveLength(1);
  });

  it('answers an LE from the PMS and reconnects', async () => {
    const { sut, network } = setup();
    const connection = await bringAlive(sut, network);
    connection.pms(`LE|${STAMP}`);
    expect(connection.take()).toEqual([`LE|${STAMP}`]);
    expect(sut.state).toBe('reconnect_wait');
    await jest.advanceTimersByTimeAsync(500);
    expect(network.connections).toHaveLength(2);
  });

  it('refuses unusable configuration at construction', () => {
    expect(() => setup({ aliveIntervalMs: 300_001 })).toThrow(
      expect.objectContaining({ code: 'FIAS.CONFIG_INVALID' }),
    );
    expect(() => setup({ linkRecords: [{ recordId: 'PR', fieldIds: ['P|'] }] })).toThrow(FiasProtocolError);
    expect(() => setup({ vendorVersion: '1|2' })).toThrow(
      expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }),
    );
  });
});
