import { EventEmitter } from 'node:events';
import {
  ApplyPaymentCommand,
  BillChangeHint,
  FindAppliedPaymentQuery,
  Money,
  PosRejectedError,
  UpstreamProtocolError,
  UpstreamUnavailableError,
} from '@bridge/core';
import { FiasRecord, fieldValue, parseRecord, serializeRecord } from './fias.codec';
import {
  FiasExchangeRequest,
  FiasExchangeResult,
  FiasLinkEventMap,
  FiasLinkHealth,
  FiasLinkState,
} from './fias.link';
import { FiasAdapterLink, FiasPaymentPostingOptions, FiasPmsAdapter } from './fias.pms-adapter';
import { FiasGuestRecord } from './fias.records';
import { waitFor } from '../../../test/support/wait-for';

const rub = (minor: number): Money => Money.of(minor, 'RUB');
const NOW = new Date(2026, 5, 11, 12, 0, 0);

type Responder = (record: FiasRecord) => { answer: string; collected?: string[] };

/** The link as the adapter sees it: alive on start, exchanges answered by a scripted PMS. */
class ScriptedLink extends EventEmitter<FiasLinkEventMap> implements FiasAdapterLink {
  readonly timeouts = { answerMs: 1000, postingMs: 1000 };
  readonly sent: string[] = [];
  resyncRequests = 0;
  private current: FiasLinkState = 'stopped';
  private nextNumber = 100;

  constructor(public respond: Responder) {
    super();
  }

  start(): void {
    this.move('alive');
  }

  async close(): Promise<void> {
    this.move('stopped');
  }

  health(): FiasLinkHealth {
    return {
      state: this.current,
      alive: this.current === 'alive',
      since: NOW,
      reconnectAttempt: 0,
      pendingRequests: 0,
      lastError: this.current === 'alive' ? undefined : 'connection refused',
    };
  }

  async requestResync(): Promise<void> {
    this.resyncRequests++;
  }

  async waitUntilAlive(): Promise<void> {
    if (this.current !== 'alive') {
      throw new UpstreamUnavailableError('not alive', { upstream: 'fias', operation: 'waitUntilAlive' });
    }
  }

  async allocatePostingNumber(): Promise<number> {
    return this.nextNumber++;
  }

  async exchange(request: FiasExchangeRequest): Promise<FiasExchangeResult> {
    const sentText = serializeRecord(request.record);
    this.sent.push(sentText);
    await Promise.resolve();
    const reply = this.respond(request.record);
    return {
      answer: parseRecord(reply.answer),
      collected: (reply.collected ?? []).map(parseRecord),
      sentText,
    };
  }

  move(to: FiasLinkState): void {
    const from = this.current;
    this.current = to;
    this.emit('state', { from, to, reason: 'test', at: NOW });
  }

  guest(id: 'GI' | 'GO' | 'GC', data: FiasGuestRecord): void {
    this.emit('event', { id, data });
  }

  stamp(id: 'DS' | 'DE' | 'NS' | 'NE'): void {
    this.emit('event', { id, data: {} });
  }
}

interface Folio {
  items: string[];
  balance: number;
}

/** A tiny PMS: XR answers from `folios`, inquiries list the room, postings answer `postingAnswer`. */
function pms(folios: Record<string, Folio>, postingAnswer = 'OK'): Responder {
  return (record) => {
    const reservation = fieldValue(record, 'G#') ?? '';
    if (record.id === 'XR') {
      const folio = folios[reservation];
      if (!folio) return { answer: `XB|RN${fieldValue(record, 'RN')}|ASUR|BA0|` };
      return {
        collected: folio.items.map((item) => `XI|RN${fieldValue(record, 'RN')}|G#${reservation}|${item}`),
        answer: `XB|RN${fieldValue(record, 'RN')}|G#${reservation}|BA${folio.balance}|ASOK|`,
      };
    }
    const number = fieldValue(record, 'P#');
    if (fieldValue(record, 'PI')) {
      return {
        answer: `PL|WSBRIDGE1|RN${fieldValue(record, 'PI')}|G#12875|GNGaribaldi, Mr.|NPN|P#${number}|`,
      };
    }
    return { answer: `PA|WSBRIDGE1|AS${postingAnswer}|CTTEXT|P#${number}|` };
  };
}

const GARIBALDI: Folio = {
  items: [
    'F#1|DC100|BI450000|BDRoom night|DA260611|TI020000|FDY|',
    'F#1|DC9004|BI-300000|BDDeposit|DA260609|TI151500|FDY|',
    'F#2|DC777|BI10000|BDService fee|DA260611|TI020000|FDN|',
  ],
  balance: 160_000,
};

async function setup(
  respond: Responder,
  posting: Partial<FiasPaymentPostingOptions> = {},
  guests: FiasGuestRecord[] = [{ room: '2782', reservation: '12875', guestName: 'Garibaldi, Mr.' }],
) {
  const link = new ScriptedLink(respond);
  const sut = new FiasPmsAdapter(
    {
      siteId: 'hotel-unit',
      currency: 'RUB',
      posting: {
        workstation: 'BRIDGE1',
        salesOutlet: '10',
        paymentMethod: 'IBOX',
        amountSign: 'positive',
        ...posting,
      },
      nightAuditRetryMs: 1234,
      resyncTimeoutMs: 50,
      guestListWaitMs: 50,
    },
    { link, clock: () => NOW },
  );
  const hints: BillChangeHint[] = [];
  sut.onBillChanged((hint) => hints.push(hint));
  await sut.start();
  link.stamp('DS');
  for (const guest of guests) link.guest('GI', { ...guest, swap: true });
  link.stamp('DE');
  return { sut, link, hints };
}

const command = (amount: number, mode: 'close' | 'prepayment' = 'prepayment'): ApplyPaymentCommand => ({
  bill: { externalId: '12875', attributes: { room: '2782' } },
  expectedVersion: 'v1',
  paymentId: 'pay-1',
  providerOrderId: 'order-1',
  amount: rub(amount),
  mode,
});

const lookup = (amount: number, excludeExternalRefs: string[] = []): FindAppliedPaymentQuery => ({
  bill: { externalId: '12875', attributes: { room: '2782' } },
  paymentId: 'pay-1',
  amount: rub(amount),
  mode: 'prepayment',
  sentAt: NOW,
  excludeExternalRefs,
});

describe('FiasPmsAdapter', () => {
  it('maps the folio: FDY charges as lines, credits as paid, hidden items as one line, due = BA', async () => {
    const { sut } = await setup(pms({ '12875': GARIBALDI }));
    const bill = await sut.getBill({ externalId: '12875', attributes: {} });
    expect(bill).toMatchObject({
      externalId: '12875',
      kind: 'room_folio',
      label: 'Номер 2782 — Garibaldi, Mr.',
      roomNumber: '2782',
      guestName: 'Garibaldi, Mr.',
      status: 'open',
      total: rub(460_000),
      paid: rub(300_000),
      amountDue: rub(160_000),
    });
    expect(bill?.lines.map((l) => [l.lineId, l.sku, l.name, l.total.minor])).toEqual([
      ['1:0', '100', 'Room night', 450_000],
      ['other', 'FOLIO', 'Прочие начисления по счёту', 10_000],
    ]);
  });

  it('keeps the version while the folio is unchanged and changes it with any item', async () => {
    const folio = { ...GARIBALDI, items: [...GARIBALDI.items] };
    const { sut } = await setup(pms({ '12875': folio }));
    const ref = { externalId: '12875', attributes: {} };
    const first = await sut.getBill(ref);
    expect((await sut.getBill(ref))?.externalVersion).toBe(first?.externalVersion);
    folio.items.push('F#1|DC200|BI2500|BDRestaurant|DA260611|TI203512|FDY|');
    folio.balance += 2500;
    expect((await sut.getBill(ref))?.externalVersion).not.toBe(first?.externalVersion);
  });

  it('reports a guest in credit as owing nothing', async () => {
    const { sut } = await setup(
      pms({
        '12875': {
          items: [
            'F#1|DC100|BI1000|BDRoom|DA260611|TI020000|FDY|',
            'F#1|DC9004|BI-5000|BDDeposit|DA260611|TI020000|FDY|',
          ],
          balance: -4000,
        },
      }),
    );
    const bill = await sut.getBill({ externalId: '12875', attributes: {} });
    expect(bill).toMatchObject({ amountDue: rub(0), total: rub(1000), paid: rub(5000) });
  });

  it('answers null when the guest is not in house or the PMS answers XB ASUR', async () => {
    const { sut } = await setup(pms({}));
    expect(await sut.getBill({ externalId: '12875', attributes: {} })).toBeNull();
    expect(await sut.getBill({ externalId: '55555', attributes: { room: '1' } })).toBeNull();
  });

  it('turns an unreadable bill view into an upstream protocol error', async () => {
    const { sut } = await setup(() => ({ answer: 'XB|RN2782|G#12875|ASOK|' }));
    await expect(sut.getBill({ externalId: '12875', attributes: {} })).rejects.toBeInstanceOf(
      UpstreamProtocolError,
    );
  });

  it('replaces the guest list on a resync, requests one each time the link comes alive, hints once after DE', async () => {
    const { sut, link, hints } = await setup(pms({}));
    expect(link.resyncRequests).toBe(1);
    expect(await sut.listOpenBills()).toEqual([{ externalId: '12875', externalVersion: null }]);
    expect(hints).toEqual([{ reason: 'FIAS database resync' }]);
    link.move('reconnect_wait');
    link.move('alive');
    expect(link.resyncRequests).toBe(2);
    link.stamp('DS');
    link.guest('GI', { room: '1010', reservation: '13100', swap: true });
    link.guest('GI', { room: '1204', reservation: '13001', swap: true });
    link.guest('GO', { room: '1204', reservation: '13001' });
    link.stamp('DE');
    expect((await sut.listOpenBills()).map((b) => b.externalId)).toEqual(['13100']);
  });

  it('reports the PMS unavailable while the guest list is not loaded, and falls back when DR is ignored', async () => {
    const link = new ScriptedLink(pms({}));
    const sut = new FiasPmsAdapter(
      {
        siteId: 'hotel-unit',
        currency: 'RUB',
        posting: { workstation: 'BRIDGE1', amountSign: 'positive' },
        resyncTimeoutMs: 200,
        guestListWaitMs: 20,
      },
      { link },
    );
    await expect(sut.listOpenBills()).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect((await sut.checkHealth()).ok).toBe(false);
    await sut.start();
    link.guest('GI', { room: '2781', reservation: '12345' });
    await expect(sut.listOpenBills()).rejects.toBeInstanceOf(UpstreamUnavailableError);
    const loaded = await waitFor(() => sut.listOpenBills().catch(() => undefined), { what: 'the fallback' });
    expect(loaded).toEqual([{ externalId: '12345', externalVersion: null }]);
    await sut.stop();
  });

  it('hints on GI, GC and GO and follows a room move', async () => {
    const { sut, link, hints } = await setup(pms({ '12875': GARIBALDI }));
    link.guest('GC', { room: '2790', oldRoom: '2782', reservation: '12875' });
    expect((await sut.getBill({ externalId: '12875', attributes: {} }))?.roomNumber).toBe('2790');
    link.guest('GO', { room: '2790', reservation: '12875' });
    link.guest('GI', { room: '2790', reservation: '12875', guestName: 'Garibaldi, Mr.' });
    expect(hints.slice(1).map((h) => `${h.externalId} ${h.reason}`)).toEqual([
      '12875 FIAS GC guest change',
      '12875 FIAS GO check-out',
      '12875 FIAS GI check-in',
    ]);
    expect(await sut.listOpenBills()).toHaveLength(1);
  });

  it('posts one inquiry + posting pair at a time, in order, each posting with its own P#', async () => {
    const { sut, link } = await setup(pms({ '12875': GARIBALDI }));
    const [a, b] = await Promise.all([sut.applyPayment(command(1000)), sut.applyPayment(command(2000))]);
    const prs = link.sent.filter((text) => text.startsWith('PR'));
    expect(
      prs.map((text) =>
        text.includes('|PI') ? 'inquiry' : `posting ${fieldValue(parseRecord(text), 'TA')}`,
      ),
    ).toEqual(['inquiry', 'posting 1000', 'inquiry', 'posting 2000']);
    expect(a.externalRef).toBe('P#101@260611120000:1000');
    expect(b.externalRef).toBe('P#103@260611120000:2000');
  });

  it.each([
    ['RY', 'retry_later', true],
    ['DM', 'amount_mismatch', false],
    ['UR', 'rejected', false],
    ['CO', 'rejected', false],
    ['NG', 'guest_not_found', false],
    ['NP', 'no_post', false],
  ])('maps a posting answered %s to %s', async (status, reason, retryable) => {
    const { sut } = await setup(pms({ '12875': GARIBALDI }, status));
    const error = await sut.applyPayment(command(1000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosRejectedError);
    expect(error).toMatchObject({ reason, retryable, vendorCode: status });
  });

  it('maps an inquiry answered NA to night_audit with the configured retry delay', async () => {
    const { sut } = await setup((record) =>
      record.id === 'XR'
        ? pms({ '12875': GARIBALDI })(record)
        : { answer: `PA|ASNA|P#${fieldValue(record, 'P#')}|` },
    );
    await expect(sut.applyPayment(command(1000))).rejects.toMatchObject({
      reason: 'night_audit',
      retryAfterMs: 1234,
    });
  });

  it('refuses a reservation the inquiry does not list, and a no-post guest, before posting', async () => {
    const { sut, link } = await setup((record) => {
      if (record.id === 'XR') return pms({ '12875': GARIBALDI })(record);
      return { answer: `PL|RN2782|G#99999|GNOther|P#${fieldValue(record, 'P#')}|` };
    });
    await expect(sut.applyPayment(command(1000))).rejects.toMatchObject({ reason: 'guest_not_found' });
    link.respond = (record) =>
      record.id === 'XR'
        ? pms({ '12875': GARIBALDI })(record)
        : { answer: `PL|RN2782|G#12875|NPY|P#${fieldValue(record, 'P#')}|` };
    await expect(sut.applyPayment(command(1000))).rejects.toMatchObject({ reason: 'no_post' });
    expect(link.sent.filter((text) => text.startsWith('PR') && text.includes('|TA'))).toHaveLength(0);
  });

  it('refuses money in another currency and a close beyond the balance', async () => {
    const { sut } = await setup(pms({ '12875': GARIBALDI }));
    await expect(sut.applyPayment({ ...command(1000), amount: Money.of(1000, 'EUR') })).rejects.toMatchObject(
      {
        reason: 'rejected',
      },
    );
    await expect(sut.applyPayment(command(160_001, 'close'))).rejects.toMatchObject({
      reason: 'amount_mismatch',
    });
    await expect(sut.applyPayment(command(160_000, 'close'))).resolves.toMatchObject({ mode: 'close' });
  });

  describe('read-back', () => {
    const credit = (amount: number, time: string, dc = '9010') =>
      `F#1|DC${dc}|BI-${amount}|BDOnline payment|DA260611|TI${time}|FDY|`;

    it('finds the one credit of the amount posted around the attempt', async () => {
      const { sut } = await setup(
        pms({ '12875': { items: [...GARIBALDI.items, credit(5000, '120001')], balance: 155_000 } }),
        { transactionCode: '9010' },
      );
      expect(await sut.findAppliedPayment(lookup(5000))).toEqual({
        status: 'found',
        payment: { externalRef: 'XI@260611120001:5000', amount: rub(5000), mode: 'prepayment' },
      });
      expect(await sut.findAppliedPayment(lookup(5001))).toEqual({ status: 'not_found' });
    });

    it('ignores credits outside the window or under another transaction code', async () => {
      const { sut } = await setup(
        pms({ '12875': { items: [credit(5000, '080000'), credit(5000, '120001', '9004')], balance: 0 } }),
        { transactionCode: '9010' },
      );
      expect(await sut.findAppliedPayment(lookup(5000))).toEqual({ status: 'not_found' });
    });

    it('skips credits matched to other settlements by their stamp', async () => {
      const { sut } = await setup(
        pms({ '12875': { items: [credit(5000, '120001'), credit(5000, '120105')], balance: 0 } }),
      );
      expect(
        await sut.findAppliedPayment(lookup(5000, ['P#7@260611120001:5000', 'P#9@260611120001:7000'])),
      ).toMatchObject({
        status: 'found',
        payment: { externalRef: 'XI@260611120105:5000' },
      });
      expect(
        await sut.findAppliedPayment(lookup(5000, ['P#7@260611120001:5000', 'XI@260611120105:5000'])),
      ).toEqual({
        status: 'not_found',
      });
    });

    it('is undeterminable when a same-amount settlement cannot be matched, or a credit has no stamp', async () => {
      const { sut, link } = await setup(pms({ '12875': { items: [credit(5000, '120001')], balance: 0 } }));
      expect(await sut.findAppliedPayment(lookup(5000, ['P#7@260611115900:5000']))).toMatchObject({
        status: 'undeterminable',
      });
      link.respond = pms({ '12875': { items: ['F#1|DC9010|BI-5000|BDOnline|FDY|'], balance: 0 } });
      expect(await sut.findAppliedPayment(lookup(5000))).toMatchObject({ status: 'undeterminable' });
    });
  });

  it('says postings are welcome again when the night audit ends, and only then', async () => {
    const { link, hints } = await setup(pms({}));
    hints.length = 0;
    link.stamp('NS');
    expect(hints).toEqual([]);
    link.stamp('NE');
    expect(hints).toEqual([{ reason: 'FIAS night audit ended', postingsResumed: true }]);
  });

  it('reports health from the link, with the night audit', async () => {
    const { sut, link } = await setup(pms({}));
    link.stamp('NS');
    expect(await sut.checkHealth()).toEqual({
      ok: true,
      detail: 'FIAS link alive; night audit in progress',
    });
    link.stamp('NE');
    link.move('reconnect_wait');
    expect(await sut.checkHealth()).toEqual({
      ok: false,
      detail: 'FIAS link reconnect_wait; guest list not loaded; connection refused',
    });
  });
});
