import { Money, PosRejectedError, UpstreamOutcomeUnknownError } from '@bridge/core';
import { parseRecord, serializeRecord } from './fias.codec';
import {
  FiasClient,
  FiasExchanger,
  FiasPostingInput,
  fiasPosFailureReason,
  fiasPosRejectedError,
} from './fias.client';
import { FiasRejectedError } from './fias.errors';
import { FiasExchangeRequest } from './fias.link';
import { FIAS_ANSWER_STATUSES } from './fias.records';

const rub = (minor: number): Money => Money.of(minor, 'RUB');
const NOW = new Date(2026, 5, 11, 10, 0, 0);

/** Answers each exchange with the next scripted text; records what was sent. */
class ScriptedLink implements FiasExchanger {
  readonly sent: FiasExchangeRequest[] = [];
  readonly timeouts = { answerMs: 30_000, postingMs: 60_000 };
  private nextNumber: number;

  constructor(
    private readonly answers: Array<{ answer: string; collected?: string[] }>,
    firstNumber = 1,
  ) {
    this.nextNumber = firstNumber;
  }

  async allocatePostingNumber(): Promise<number> {
    return this.nextNumber++;
  }

  async exchange(request: FiasExchangeRequest) {
    this.sent.push(request);
    const next = this.answers.shift();
    if (!next) throw new Error('script exhausted');
    return {
      answer: parseRecord(next.answer),
      collected: (next.collected ?? []).map(parseRecord),
      sentText: serializeRecord(request.record),
    };
  }

  sentText(index: number): string {
    return serializeRecord(this.sent[index].record);
  }
}

function client(link: ScriptedLink): FiasClient {
  return new FiasClient(link, {
    currency: 'RUB',
    workstation: 'BRIDGE1',
    salesOutlet: '10',
    paymentMethod: 'IBOX',
    clock: () => NOW,
  });
}

const base: FiasPostingInput = {
  room: '2781',
  reservation: '12345',
  total: rub(13850),
  inquiryPostingNumber: 1,
};

describe('FiasClient', () => {
  it('inquires by room and returns every match, sharers included', async () => {
    const link = new ScriptedLink([
      { answer: 'PL|WSBRIDGE1|RN2781|G#12345|GNGuest, Mr.|BA13850|RN2781|G#12381|GNSharer, Mr.|BA0|P#1|' },
    ]);
    const result = await client(link).inquire('2781');
    expect(link.sentText(0)).toBe('PR|SO10|WSBRIDGE1|PI2781|DA260611|TI100000|P#1|PMIBOX|');
    expect(link.sent[0]).toMatchObject({ effect: 'read', answers: ['PL', 'PA'], timeoutMs: 60_000 });
    expect(result).toMatchObject({ found: true, postingNumber: 1 });
    expect(result.found && result.matches.map((m) => [m.reservation, m.balance?.minor])).toEqual([
      ['12345', 13850],
      ['12381', 0],
    ]);
  });

  it('returns a typed not-found for a PA answer', async () => {
    const link = new ScriptedLink([{ answer: 'PA|WSBRIDGE1|ASNG|CTINVALID ROOM|P#1|' }]);
    expect(await client(link).inquire('9999')).toMatchObject({
      found: false,
      status: 'NG',
      text: 'INVALID ROOM',
    });
  });

  it('never lets a numeric search equal its own P#', async () => {
    const link = new ScriptedLink([{ answer: 'PA|ASNG|P#8|' }], 7);
    await client(link).inquire('7');
    expect(link.sentText(0)).toContain('|PI7|');
    expect(link.sentText(0)).toContain('|P#8|');
  });

  it('posts with S1 = TA when no split is given, as a write with the PR timeout', async () => {
    const link = new ScriptedLink([{ answer: 'PA|WSBRIDGE1|RN2781|G#12345|ASOK|P#2|' }], 2);
    const result = await client(link).post({ ...base, checkNumber: 'IB-77' });
    expect(link.sentText(0)).toBe(
      'PR|SO10|WSBRIDGE1|RN2781|G#12345|TA13850|S113850|C#IB-77|DA260611|TI100000|P#2|PMIBOX|',
    );
    expect(link.sent[0]).toMatchObject({ effect: 'write', answers: ['PA'], timeoutMs: 60_000 });
    expect(result).toMatchObject({ status: 'OK', accepted: true, postingNumber: 2 });
  });

  it('sends a given split as is when it adds up', async () => {
    const link = new ScriptedLink([{ answer: 'PA|ASDM|P#2|' }], 2);
    const result = await client(link).post({
      ...base,
      total: rub(22850),
      subtotals: { 1: rub(8000), 2: rub(6000), 3: rub(4000) },
      taxes: { 1: rub(2575), 2: rub(1525), 3: rub(1050) },
      discounts: { 1: rub(-1000) },
      tip: rub(500),
      serviceCharge: rub(200),
    });
    expect(link.sentText(0)).toContain(
      '|TA22850|S18000|S26000|S34000|T12575|T21525|T31050|D1-1000|TP500|SC200|',
    );
    expect(result).toMatchObject({ status: 'DM', accepted: false });
  });

  it('refuses, before sending, a split that does not add up, a foreign currency and a reused P#', async () => {
    const link = new ScriptedLink([], 1);
    const sut = client(link);
    await expect(sut.post({ ...base, subtotals: { 1: rub(13000) } })).rejects.toMatchObject({
      code: 'FIAS.AMOUNT_MISMATCH',
    });
    await expect(sut.post({ ...base, total: Money.of(100, 'EUR') })).rejects.toMatchObject({
      code: 'FIAS.CONFIG_INVALID',
    });
    await expect(sut.post({ ...base, inquiryPostingNumber: 1 })).rejects.toMatchObject({
      code: 'FIAS.POSTING_NUMBER_REUSED',
    });
    expect(link.sent).toEqual([]);
  });

  it('treats an unreadable PA to a posting as an unknown outcome', async () => {
    const link = new ScriptedLink([{ answer: 'PA|ASZZ|P#2|' }], 2);
    await expect(client(link).post(base)).rejects.toBeInstanceOf(UpstreamOutcomeUnknownError);
  });

  it('returns the bill view with items, balance and the guest-visible total', async () => {
    const link = new ScriptedLink([
      {
        answer: 'XB|RN2781|G#12345|BA13850|ASOK|',
        collected: [
          'XI|RN2781|F#1|G#12345|DC327|BI350|BDTelephone|FDY|',
          'XI|RN2781|F#1|G#12345|DC100|BI12000|BDRoom night|FDY|',
          'XI|RN2781|F#2|G#12345|DC420|BI1500|BDMinibar|FDN|',
        ],
      },
    ]);
    const view = await client(link).billView('2781', '12345');
    expect(link.sentText(0)).toBe('XR|RN2781|G#12345|DA260611|TI100000|');
    expect(view.balance).toEqual(rub(13850));
    expect(view.displayedTotal).toEqual(rub(12350));
    expect(view.items.map((item) => item.description)).toEqual(['Telephone', 'Room night', 'Minibar']);
  });

  it('turns XB ASUR into a FiasRejectedError', async () => {
    const link = new ScriptedLink([{ answer: 'XB|ASUR|BA0|RN2781|G#12345|' }]);
    const error = await client(link)
      .billView('2781', '12345')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FiasRejectedError);
    expect(error).toMatchObject({ answerStatus: 'UR', retryable: false, code: 'FIAS.REJECTED' });
  });

  it('sends XC with the balance and returns the answer status', async () => {
    const link = new ScriptedLink([{ answer: 'XC|RN2781|G#12345|BA13850|ASOK|CTCHECKOUT STARTED|' }]);
    const result = await client(link).remoteCheckout('2781', '12345', rub(13850));
    expect(link.sentText(0)).toBe('XC|RN2781|G#12345|BA13850|DA260611|TI100000|');
    expect(result).toEqual({ status: 'OK', text: 'CHECKOUT STARTED' });
  });
});

describe('FIAS answer status → PosFailureReason', () => {
  it.each([
    ['NG', 'guest_not_found'],
    ['NP', 'no_post'],
    ['NA', 'night_audit'],
    ['RY', 'retry_later'],
    ['DM', 'amount_mismatch'],
  ] as const)('%s → %s', (status, reason) => {
    expect(fiasPosFailureReason(status)).toBe(reason);
  });

  it('maps every other code to rejected', () => {
    const others = FIAS_ANSWER_STATUSES.filter((s) => !['OK', 'NG', 'NP', 'NA', 'RY', 'DM'].includes(s));
    expect(others).toEqual(['CO', 'UR', 'FX', 'IA', 'DN', 'BM', 'CD', 'NF', 'BY', 'NR', 'DE', 'AA', 'AN']);
    for (const status of others) {
      if (status !== 'OK') expect(fiasPosFailureReason(status)).toBe('rejected');
    }
  });

  it('builds a PosRejectedError whose retryability follows the reason', () => {
    const error = fiasPosRejectedError({ status: 'NA', text: 'NIGHT AUDIT' });
    expect(error).toBeInstanceOf(PosRejectedError);
    expect(error).toMatchObject({
      reason: 'night_audit',
      retryable: true,
      vendorCode: 'NA',
      upstream: 'fias',
    });
    expect(fiasPosRejectedError({ status: 'NG' }).retryable).toBe(false);
    expect(() => fiasPosRejectedError({ status: 'OK' })).toThrow(
      expect.objectContaining({ code: 'FIAS.RECORD_UNEXPECTED' }),
    );
  });
});
