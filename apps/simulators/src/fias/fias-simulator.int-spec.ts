import { Socket, connect } from 'node:net';
import { FiasCodec, FiasFrameTransport, fieldValue, fieldValues, parseRecord } from '@bridge/fias';
import { FiasSimulator, FiasSimulatorOptions, startFiasSimulator } from './fias-simulator';

const VENDOR_LINK_RECORDS = [
  'LR|RIPR|FLSOWSIDPIMXRNG#GNTAS1T1D1TPSCC#DATIP#PM|',
  'LR|RIPA|FLSOWSRNG#GNASCTDATIP#|',
  'LR|RIPL|FLSOWSRNG#GNBACLNPP#DATI|',
  'LR|RIXR|FLRNG#DATI|',
  'LR|RIXI|FLRNF#G#DCBIBDDATIFD|',
  'LR|RIXB|FLRNG#BAASCTDATI|',
  'LR|RIXC|FLRNG#BAASCTDATI|',
  'LR|RIGI|FLRNG#GNGLGSGAGDSFDATI|',
  'LR|RIGO|FLRNG#GSSFDATI|',
  'LR|RIGC|FLRNROG#GNGSDATI|',
  'LR|RIDS|FLDATI|',
  'LR|RIDE|FLDATI|',
  'LR|RINS|FLDATI|',
  'LR|RINE|FLDATI|',
];

/** A bare vendor end over TCP, to check the simulator's rules record by record. */
class RawVendor {
  readonly inbox: string[] = [];
  readonly closed: Promise<void>;
  private readonly transport: FiasFrameTransport;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly socket: Socket,
    codec: FiasCodec,
    ack: boolean,
  ) {
    this.transport = new FiasFrameTransport(
      { codec, ack },
      {
        write: (bytes) => socket.write(bytes),
        onRecord: (_record, text) => {
          this.inbox.push(text);
          for (const wake of [...this.waiters]) wake();
        },
        onProtocolError: (error) => {
          throw error;
        },
        onFailure: (error) => {
          throw error;
        },
      },
    );
    socket.on('data', (chunk: Buffer) => this.transport.receive(chunk));
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async connect(
    sim: FiasSimulator,
    options: { lrc?: boolean; ack?: boolean; encoding?: string } = {},
  ) {
    const socket = connect({ host: sim.host, port: sim.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawVendor(
      socket,
      new FiasCodec({ lrc: options.lrc, encoding: options.encoding }),
      options.ack ?? false,
    );
  }

  send(text: string): void {
    this.transport.send(parseRecord(text));
  }

  /** The next received record with one of these ids (records of other ids stay in the inbox). */
  async next(ids: string | readonly string[], timeoutMs = 2000): Promise<string> {
    const wanted = typeof ids === 'string' ? [ids] : ids;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((text) => wanted.includes(text.slice(0, 2)));
      if (index >= 0) return this.inbox.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${wanted.join('/')} within ${timeoutMs} ms; inbox: ${this.inbox.join(' ')}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Everything received within `ms`, draining the inbox. */
  async quietFor(ms: number): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.inbox.splice(0);
  }

  async configure(linkRecords = VENDOR_LINK_RECORDS): Promise<void> {
    await this.next('LS');
    this.send('LD|DA260611|TI100000|V#1.01|IFPO|');
    for (const lr of linkRecords) this.send(lr);
    this.send('LA|DA260611|TI100000|');
    await this.next('LA');
  }

  async inquire(search: string, postingNumber: number, ws = 'POS1'): Promise<string> {
    this.send(`PR|SO10|WS${ws}|PI${search}|P#${postingNumber}|PMIBOX|`);
    return this.next(['PL', 'PA']);
  }

  close(): void {
    this.transport.dispose();
    this.socket.destroy();
  }
}

const NOW = new Date(2026, 5, 11, 10, 0, 0);

describe('FIAS PMS simulator over TCP', () => {
  let sim: FiasSimulator;
  let vendor: RawVendor;

  async function boot(options: FiasSimulatorOptions = {}): Promise<void> {
    sim = await startFiasSimulator({ clock: () => NOW, checkoutDelayMs: 10, ...options });
    vendor = await RawVendor.connect(sim, options);
    await vendor.configure();
  }

  afterEach(async () => {
    vendor?.close();
    await sim?.close();
  });

  describe('link control', () => {
    it('sends LS on connect, answers the configuration with LA, then alive checks with LA only', async () => {
      await boot();
      expect(sim.linkState).toBe('alive');
      expect(sim.control.state()).toMatchObject({
        linkDescription: { version: '1.01', interfaceFamily: 'PO' },
        connectionsAccepted: 1,
      });
      expect(sim.control.state().linkRecords.XB).toEqual(['RN', 'G#', 'BA', 'AS', 'CT', 'DA', 'TI']);
      vendor.send('LS|DA260611|TI100100|');
      expect(await vendor.next('LA')).toBe('LA|DA260611|TI100000|');
      vendor.send('LA|DA260611|TI100100|');
      expect(await vendor.quietFor(100)).toEqual([]);
      vendor.socket.write(Buffer.from('garbage'));
      vendor.send('LS|');
      await vendor.next('LA');
      expect(sim.control.state().protocolErrors).toBe(1);
    });

    it('ignores requests before the link is configured', async () => {
      sim = await startFiasSimulator({ clock: () => NOW });
      vendor = await RawVendor.connect(sim);
      await vendor.next('LS');
      vendor.send('PR|WSPOS1|PI2781|P#1|');
      expect(await vendor.quietFor(100)).toEqual([]);
      expect(sim.linkState).toBe('awaiting_configuration');
    });

    it('forces a relink with LS, and answers LE with LE and a close', async () => {
      await boot();
      sim.control.sendLinkStart();
      expect(await vendor.next('LS')).toBe('LS|DA260611|TI100000|');
      expect(sim.linkState).toBe('awaiting_configuration');
      vendor.send('LD|V#1.01|IFPO|');
      vendor.send('LA|');
      await vendor.next('LA');
      expect(sim.linkState).toBe('alive');
      vendor.send('LE|');
      expect(await vendor.next('LE')).toBe('LE|DA260611|TI100000|');
      await vendor.closed;
      await sim.waitForLinkState('no_client');
    });

    it('lets a second client take the link and drops the first', async () => {
      await boot();
      const second = await RawVendor.connect(sim);
      await vendor.closed;
      expect(await second.next('LS')).toBe('LS|DA260611|TI100000|');
      expect(sim.control.state()).toMatchObject({ connectionsAccepted: 2, activeConnection: 2 });
      second.close();
    });

    it('only sends the fields and unsolicited records the vendor asked for in its LRs', async () => {
      sim = await startFiasSimulator({ clock: () => NOW });
      vendor = await RawVendor.connect(sim);
      await vendor.configure(['LR|RIPA|FLASP#|', 'LR|RIGO|FLRNG#|']);
      vendor.send('PR|WSPOS1|PI9999|P#3|');
      expect(await vendor.next('PA')).toBe('PA|ASNG|P#3|');
      sim.control.moveRoom('12345', '2790');
      sim.control.checkOut('12381');
      expect(await vendor.next('GO')).toBe('GO|RN2781|G#12381|');
      expect(await vendor.quietFor(50)).toEqual([]);
    });
  });

  describe('PR inquiry', () => {
    beforeEach(() => boot());

    it('answers a room with PL listing the guest and the sharer with balances and flags', async () => {
      expect(await vendor.inquire('2781', 11)).toBe(
        'PL|SO10|WSPOS1|RN2781|G#12345|GNGuest, Mr.|BA13850|CL5000000|NPN|' +
          'RN2781|G#12381|GNSharer, Mr.|BA0|NPN|P#11|DA260611|TI100000|',
      );
    });

    it('searches by the start of a name', async () => {
      const pl = parseRecord(await vendor.inquire('gari', 12));
      expect(fieldValues(pl, 'G#')).toEqual(['12875']);
      expect(fieldValue(pl, 'BA')).toBe(String(-300_000 + 450_000 + 450_000 + 235_000 + 45_000));
    });

    it('answers PA NG for an unknown room or a checked-out guest', async () => {
      expect(await vendor.inquire('9999', 13)).toBe(
        'PA|SO10|WSPOS1|ASNG|CTINVALID ROOM|DA260611|TI100000|P#13|',
      );
      expect(await vendor.inquire('1501', 14)).toContain('|ASNG|');
    });
  });

  describe('PR posting rules', () => {
    beforeEach(() => boot());

    async function postAfterInquiry(room: string, body: string, inquiryNumber = 20): Promise<string> {
      await vendor.inquire(room, inquiryNumber);
      vendor.send(`PR|SO10|WSPOS1|RN${room}|${body}`);
      return vendor.next('PA');
    }

    it('ignores a posting without a prior inquiry (no answer at all)', async () => {
      vendor.send('PR|SO10|WSPOS1|RN2782|G#12875|TA100|S1100|P#30|PMIBOX|');
      expect(await vendor.quietFor(150)).toEqual([]);
      expect(sim.control.state().ignoredPostings).toBe(1);
    });

    it('credits the folio for a payment method mapped to a payment code, and charges otherwise', async () => {
      const before = sim.control.folio('12875').balance;
      const pa = await postAfterInquiry('2782', 'G#12875|TA100000|S1100000|DA260611|TI101500|P#31|PMIBOX|');
      expect(pa).toBe(
        'PA|SO10|WSPOS1|RN2782|G#12875|GNGaribaldi, Mr.|ASOK|CTPOSTING ACCEPTED|DA260611|TI100000|P#31|',
      );
      const folio = sim.control.folio('12875');
      expect(folio.balance).toBe(before - 100_000);
      expect(folio.items[folio.items.length - 1]).toMatchObject({
        department: '9010',
        amount: -100_000,
        postingNumber: 31,
        date: '260611',
        time: '101500',
      });
      vendor.send('PR|SO10|WSPOS1|RN2782|G#12875|TA5000|S15000|P#32|PMROOM|');
      expect(await vendor.next('PA')).toContain('|ASOK|');
      expect(sim.control.folio('12875').balance).toBe(before - 100_000 + 5000);
    });

    it('answers DM when TA is not the sum of its parts', async () => {
      const pa = await postAfterInquiry(
        '2782',
        'G#12875|TA22850|S18000|T12575|D1-1000|TP500|SC200|P#33|PMIBOX|',
      );
      expect(pa).toContain('|ASDM|');
    });

    it('answers NG when the guest is checked out between inquiry and posting', async () => {
      await vendor.inquire('2782', 34);
      sim.control.checkOut('12875');
      expect(await vendor.next('GO')).toBe('GO|RN2782|G#12875|GSN|DA260611|TI100000|');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#35|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASNG|CTGUEST NOT FOUND|');
    });

    it('answers NP for a no-post reservation and CO beyond the credit limit', async () => {
      expect(await postAfterInquiry('1204', 'G#13001|TA100|S1100|P#36|PMIBOX|', 37)).toContain('|ASNP|');
      expect(await postAfterInquiry('1010', 'G#13100|TA60000|S160000|P#38|PMROOM|', 39)).toContain('|ASCO|');
      vendor.send('PR|WSPOS1|RN1010|G#13100|TA60000|S160000|P#40|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASOK|');
    });

    it('answers NA during the night audit window, announced by NS and closed by NE', async () => {
      await vendor.inquire('2782', 41);
      sim.control.startNightAudit();
      expect(await vendor.next('NS')).toBe('NS|DA260611|TI100000|');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#42|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASNA|');
      sim.control.endNightAudit();
      await vendor.next('NE');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#43|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASOK|');
    });

    it('rejects a posting that reuses the inquiry P# and, by default, a duplicate P#', async () => {
      expect(await postAfterInquiry('2782', 'G#12875|TA100|S1100|P#44|PMIBOX|', 44)).toContain(
        '|ASUR|CTP# REUSED FROM INQUIRY|',
      );
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#45|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASOK|');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#45|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASUR|CTDUPLICATE POSTING NUMBER|');
      expect(sim.control.state().appliedPostings).toBe(1);
    });

    it('handles a simple posting (PS) against the main guest of a room', async () => {
      vendor.send('PS|RN2781|PTM|TA1050|DA260611|TI101000|P#46|');
      expect(await vendor.next('PA')).toBe(
        'PA|RN2781|G#12345|GNGuest, Mr.|ASOK|CTPOSTING ACCEPTED|DA260611|TI100000|P#46|',
      );
      expect(sim.control.folio('12345').balance).toBe(13_850 + 1050);
    });
  });

  describe('duplicate P# modes', () => {
    it.each([
      ['replay', 1, 'ASOK'],
      ['apply', 2, 'ASOK'],
    ] as const)('%s: applied %d times, second answer %s', async (mode, applied, status) => {
      await boot({ duplicatePostingNumber: mode });
      await vendor.inquire('2782', 50);
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#51|PMIBOX|');
      const first = await vendor.next('PA');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#51|PMIBOX|');
      const second = await vendor.next('PA');
      expect(second).toContain(`|${status}|`);
      if (mode === 'replay') expect(second).toBe(first);
      expect(sim.control.state().appliedPostings).toBe(applied);
    });
  });

  describe('bill view and remote checkout', () => {
    it('answers XR with one XI per folio item and XB with the balance over all windows', async () => {
      await boot();
      vendor.send('XR|RN2781|G#12345|DA260611|TI100000|');
      const xb = await vendor.next('XB');
      const items = vendor.inbox.splice(0);
      expect(items).toEqual([
        'XI|RN2781|F#1|G#12345|DC327|BI350|BDTelephone|DA260611|TI124753|FDY|',
        'XI|RN2781|F#1|G#12345|DC100|BI12000|BDRoom night|DA260611|TI020000|FDY|',
        'XI|RN2781|F#2|G#12345|DC420|BI1500|BDMinibar|DA260611|TI213000|FDY|',
      ]);
      expect(xb).toBe('XB|RN2781|G#12345|BA13850|ASOK|DA260611|TI100000|');
    });

    it('answers XB ASUR when bill view is disabled or the guest is unknown', async () => {
      await boot({ billView: false });
      vendor.send('XR|RN2781|G#12345|');
      expect(await vendor.next('XB')).toBe('XB|RN2781|G#12345|BA0|ASUR|');
      sim.control.setBillView(true);
      vendor.send('XR|RN1501|G#13050|');
      expect(await vendor.next('XB')).toBe('XB|RN1501|G#13050|BA0|ASUR|CTGUEST NOT FOUND|');
    });

    it('answers XC ASOK then checks the guest out with GO; a wrong BA gets BM', async () => {
      await boot();
      vendor.send('XC|RN2781|G#12345|BA100|');
      expect(await vendor.next('XC')).toBe(
        'XC|RN2781|G#12345|BA13850|ASBM|CTBALANCE MISMATCH|DA260611|TI100000|',
      );
      vendor.send('XC|RN2781|G#12345|BA13850|');
      expect(await vendor.next('XC')).toContain('|ASOK|CTCHECKOUT STARTED|');
      expect(await vendor.next('GO')).toBe('GO|RN2781|G#12345|GSN|DA260611|TI100000|');
      expect(sim.control.folio('12345').status).toBe('checked_out');
    });
  });

  describe('guest events and resync', () => {
    beforeEach(() => boot());

    it('emits GI, GC (room move) and GO from the control API', async () => {
      sim.control.checkIn({ reservation: '13200', room: '1605', guestName: 'Kuznetsova, Ms.' });
      expect(await vendor.next('GI')).toBe(
        'GI|RN1605|G#13200|GNKuznetsova, Ms.|GLRU|GSN|GA260612|GD260616|DA260611|TI100000|',
      );
      sim.control.moveRoom('13200', '1606');
      expect(await vendor.next('GC')).toBe(
        'GC|RN1606|RO1605|G#13200|GNKuznetsova, Ms.|GSN|DA260611|TI100000|',
      );
      sim.control.checkOut('13200');
      expect(await vendor.next('GO')).toBe('GO|RN1606|G#13200|GSN|DA260611|TI100000|');
      expect(() => sim.control.checkOut('13200')).toThrow('not in house');
      expect(() => sim.control.folio('nope')).toThrow('Unknown reservation');
    });

    it('answers DR with DS, a GI (swap flag) per in-house guest, and DE', async () => {
      vendor.send('DR|DA260611|TI100000|');
      await vendor.next('DE');
      const received = vendor.inbox.splice(0);
      expect(received[0]).toBe('DS|DA260611|TI100000|');
      const swaps = received.slice(1);
      expect(swaps.map((text) => fieldValue(parseRecord(text), 'G#'))).toEqual([
        '12345',
        '12381',
        '12875',
        '13001',
        '13100',
      ]);
      expect(swaps.every((text) => text.includes('|SF|'))).toBe(true);
    });
  });

  describe('fault knobs', () => {
    beforeEach(() => boot());

    it('drops the socket on the next posting, applying it first when asked', async () => {
      await vendor.inquire('2782', 60);
      sim.control.dropOnNextPosting({ applyFirst: true });
      const before = sim.control.folio('12875').balance;
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA700|S1700|P#61|PMIBOX|');
      await vendor.closed;
      expect(vendor.inbox.filter((text) => text.startsWith('PA|'))).toEqual([]);
      expect(sim.control.folio('12875').balance).toBe(before - 700);
    });

    it('drops without applying by default', async () => {
      await vendor.inquire('2782', 62);
      sim.control.dropOnNextPosting();
      const before = sim.control.folio('12875').balance;
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA700|S1700|P#63|PMIBOX|');
      await vendor.closed;
      expect(sim.control.folio('12875').balance).toBe(before);
    });

    it('delays the next answer', async () => {
      sim.control.delayAnswers({ ms: 200, records: ['PA'] });
      const started = Date.now();
      vendor.send('PR|WSPOS1|PI9999|P#64|');
      await vendor.next('PA');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(sim.control.state().faults.answerDelay).toBeUndefined();
    });

    it('checks the guest out right after the next inquiry', async () => {
      sim.control.checkOutAfterNextInquiry();
      await vendor.inquire('2782', 65);
      await vendor.next('GO');
      vendor.send('PR|WSPOS1|RN2782|G#12875|TA100|S1100|P#66|PMIBOX|');
      expect(await vendor.next('PA')).toContain('|ASNG|');
    });
  });

  describe('encodings and acknowledgements', () => {
    it('runs LRC + ACK/NAK framing and windows-1251 names end to end', async () => {
      sim = await startFiasSimulator({ clock: () => NOW, lrc: true, ack: true, encoding: 'windows-1251' });
      vendor = await RawVendor.connect(sim, { lrc: true, ack: true, encoding: 'windows-1251' });
      await vendor.configure();
      sim.control.checkIn({ reservation: '14000', room: '707', guestName: 'Соколов, Mr.' });
      expect(await vendor.next('GI')).toContain('|GNСоколов, Mr.|');
      expect(await vendor.inquire('Сок', 70)).toContain('|G#14000|GNСоколов, Mr.|');
    });
  });
});

describe('FIAS simulator HTTP control API', () => {
  let sim: FiasSimulator;
  let vendor: RawVendor;

  beforeEach(async () => {
    sim = await startFiasSimulator({ clock: () => NOW, controlPort: 0 });
    vendor = await RawVendor.connect(sim);
    await vendor.configure();
  });

  afterEach(async () => {
    vendor.close();
    await sim.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${sim.controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  it('drives check-in, folio items, no-post, night audit and faults over HTTP', async () => {
    expect(sim.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const checkIn = await call('POST', '/guests', {
      reservation: '13300',
      room: '1701',
      guestName: 'Orlov, Mr.',
      items: [{ department: '100', description: 'Room night', amount: 420000 }],
    });
    expect(checkIn).toMatchObject({
      status: 200,
      json: { reservation: '13300', balance: 420000, status: 'in_house' },
    });
    expect(await vendor.next('GI')).toContain('|G#13300|GNOrlov, Mr.|');
    const item = await call('POST', '/folios/13300/items', {
      department: '200',
      description: 'Bar',
      amount: 1500,
      window: 2,
    });
    expect(item).toMatchObject({ status: 200, json: { window: 2, amount: 1500, display: true } });
    expect(await call('GET', '/folios/13300')).toMatchObject({ json: { balance: 421500 } });
    expect(await call('POST', '/guests/13300/no-post', { noPost: true })).toMatchObject({
      json: { noPost: true },
    });
    expect(await call('POST', '/night-audit/start')).toEqual({ status: 200, json: { ok: true } });
    await vendor.next('NS');
    await call('POST', '/faults/delay-answers', { ms: 50, records: ['PA'], count: 2 });
    expect(await call('GET', '/state')).toMatchObject({
      json: { nightAudit: true, linkState: 'alive', faults: { answerDelay: { ms: 50, remaining: 2 } } },
    });
    await call('POST', '/guests/13300/move', { room: '1702' });
    expect(await vendor.next('GC')).toContain('|RN1702|RO1701|');
    await call('POST', '/link/start');
    await vendor.next('LS');
    const traffic = await call('GET', '/traffic');
    expect(Array.isArray(traffic.json) && traffic.json.length).toBeGreaterThan(10);
    await call('POST', '/link/drop');
    await vendor.closed;
  });

  it('answers 400 for bad input, 404 for unknown things and 409 for impossible moves', async () => {
    expect(await call('POST', '/guests', { room: '1' })).toMatchObject({ status: 400 });
    expect(
      await call('POST', '/folios/12345/items', { department: '1', description: 'x', amount: 1.5 }),
    ).toMatchObject({
      status: 400,
    });
    expect(await call('GET', '/folios/00000')).toMatchObject({ status: 404 });
    expect(await call('GET', '/nothing')).toMatchObject({ status: 404 });
    expect(await call('POST', '/guests/13050/check-out')).toMatchObject({ status: 409 });
  });
});
