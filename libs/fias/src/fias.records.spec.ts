import fc from 'fast-check';
import { Money } from '@bridge/core';
import { parseRecord, serializeRecord } from './fias.codec';
import {
  FIAS_SLOTS,
  FiasSlot,
  FiasSlotAmounts,
  fromFiasDateTime,
  parseFiasAmount,
  toFiasDate,
  toFiasTime,
} from './fias.fields';
import {
  FiasPostingRequest,
  buildBillBalance,
  buildBillItem,
  buildBillRequest,
  buildGuestRecord,
  buildLinkDescription,
  buildLinkRecord,
  buildPostingAnswer,
  buildPostingInquiry,
  buildPostingList,
  buildPostingRequest,
  buildPostingSimple,
  buildRemoteCheckout,
  buildStampRecord,
  parseBillBalance,
  parseBillItem,
  parseGuestRecord,
  parseLinkRecord,
  parsePostingAnswer,
  parsePostingList,
  parsePostingRequest,
  parsePostingSimple,
  parseTypedRecord,
  postingAmountsBalance,
  sumPostingParts,
} from './fias.records';

const RUB = 'RUB';
const rub = (minor: number): Money => Money.of(minor, RUB);
const text = serializeRecord;

describe('FIAS typed records: reference examples', () => {
  it('PS simple posting and its PA', () => {
    const ps = buildPostingSimple({
      room: '2781',
      total: rub(1050),
      date: '000915',
      time: '123545',
      postingNumber: 1729,
    });
    expect(text(ps)).toBe('PS|RN2781|TA1050|DA000915|TI123545|P#1729|');
    expect(parsePostingSimple(parseRecord('PS|RN2781|TA1050|DA000915|TI123545|P#1729|'), RUB)).toEqual({
      room: '2781',
      total: rub(1050),
      date: '000915',
      time: '123545',
      postingNumber: 1729,
    });
    expect(parsePostingAnswer(parseRecord('PA|RN2781|ASOK|P#1729|DA000915|TI123545|'))).toEqual({
      room: '2781',
      status: 'OK',
      postingNumber: 1729,
      date: '000915',
      time: '123545',
    });
  });

  it('PR inquiry → PL with a sharer', () => {
    const inquiry = buildPostingInquiry({
      salesOutlet: '123',
      workstation: '456',
      userId: 'ELI',
      inquiry: '2781',
      date: '000915',
      time: '124200',
      postingNumber: 1734,
      paymentMethod: 'ROOM',
    });
    expect(text(inquiry)).toBe('PR|SO123|WS456|IDELI|PI2781|DA000915|TI124200|P#1734|PMROOM|');
    expect(parsePostingRequest(inquiry, RUB)).toEqual({
      kind: 'inquiry',
      salesOutlet: '123',
      workstation: '456',
      userId: 'ELI',
      inquiry: '2781',
      date: '000915',
      time: '124200',
      postingNumber: 1734,
      paymentMethod: 'ROOM',
    });
    const list = buildPostingList({
      salesOutlet: '123',
      workstation: '456',
      postingNumber: 1734,
      matches: [
        { room: '2781', reservation: '12345', guestName: 'Guest, Mr.' },
        { room: '2781', reservation: '12381', guestName: 'Sharer, Mr.' },
      ],
    });
    const wire = 'PL|SO123|WS456|RN2781|G#12345|GNGuest, Mr.|RN2781|G#12381|GNSharer, Mr.|P#1734|';
    expect(text(list)).toBe(wire);
    expect(parsePostingList(parseRecord(wire), RUB).matches).toEqual([
      { room: '2781', reservation: '12345', guestName: 'Guest, Mr.' },
      { room: '2781', reservation: '12381', guestName: 'Sharer, Mr.' },
    ]);
  });

  it('PL in the G#-first order an LR may ask for, with balance, credit limit and no-post flag', () => {
    const parsed = parsePostingList(
      parseRecord(
        'PL|G#12345|GNGuest, Mr.|RN2781|BA13850|NPN|G#12381|GNSharer, Mr.|RN2781|CL500000|NPY|P#1734|WS456|',
      ),
      RUB,
    );
    expect(parsed.postingNumber).toBe(1734);
    expect(parsed.workstation).toBe('456');
    expect(parsed.matches).toEqual([
      { reservation: '12345', guestName: 'Guest, Mr.', room: '2781', balance: rub(13850), noPost: false },
      {
        reservation: '12381',
        guestName: 'Sharer, Mr.',
        room: '2781',
        creditLimit: rub(500000),
        noPost: true,
      },
    ]);
  });

  it('PR posting with every subtotal kind: TA = ΣS + ΣT + ΣD + TP + SC', () => {
    const posting: Omit<FiasPostingRequest, 'kind'> = {
      salesOutlet: '123',
      workstation: '456',
      userId: 'JOSH',
      room: '2781',
      reservation: '12875',
      guestName: 'Garibaldi, Mr.',
      total: rub(22850),
      subtotals: { 1: rub(8000), 2: rub(6000), 3: rub(4000) },
      taxes: { 1: rub(2575), 2: rub(1525), 3: rub(1050) },
      discounts: { 1: rub(-1000) },
      tip: rub(500),
      serviceCharge: rub(200),
      checkNumber: '1234',
      covers: 2,
      servingTime: '4',
      date: '000915',
      time: '124254',
      postingNumber: 1737,
      paymentMethod: 'ROOM',
    };
    const wire =
      'PR|SO123|WS456|IDJOSH|RN2781|G#12875|GNGaribaldi, Mr.|TA22850|S18000|S26000|S34000|T12575|T21525|T31050|' +
      'D1-1000|TP500|SC200|C#1234|CV2|ST4|DA000915|TI124254|P#1737|PMROOM|';
    expect(text(buildPostingRequest(posting))).toBe(wire);
    const parsed = parsePostingRequest(parseRecord(wire), RUB);
    expect(parsed).toEqual({ kind: 'posting', ...posting });
    expect(parsed.kind === 'posting' && postingAmountsBalance(parsed)).toBe(true);
    expect(sumPostingParts(posting, RUB).minor).toBe(18000 + 5150 - 1000 + 500 + 200);
  });

  it('the reference PR posting (TA10575 = S1 8000 + T1 2575) and its PA', () => {
    const wire =
      'PR|SO123|WS456|IDJOSH|RN2781|G#12875|GNGaribaldi, Mr.|TA10575|S18000|T12575|C#1234|CV2|ST4|DA000915|TI124254|P#1737|PMROOM|';
    const parsed = parsePostingRequest(parseRecord(wire), RUB);
    if (parsed.kind !== 'posting') throw new Error('expected a posting');
    expect(postingAmountsBalance(parsed)).toBe(true);
    expect(text(buildPostingRequest(parsed))).toBe(wire);
    const pa = buildPostingAnswer({
      salesOutlet: '123',
      workstation: '456',
      room: '2781',
      reservation: '12875',
      status: 'OK',
      date: '000915',
      time: '124301',
      postingNumber: 1737,
    });
    expect(text(pa)).toBe('PA|SO123|WS456|RN2781|G#12875|ASOK|DA000915|TI124301|P#1737|');
    expect(parsePostingAnswer(parseRecord('PA|SO123|WS456|ASNG|CTINVALID ROOM|P#1734|'))).toEqual({
      salesOutlet: '123',
      workstation: '456',
      status: 'NG',
      text: 'INVALID ROOM',
      postingNumber: 1734,
    });
  });

  it('XR → three XI and an XB whose BA is the sum of the items', () => {
    expect(
      text(buildBillRequest({ room: '2781', reservation: '12345', date: '001031', time: '124800' })),
    ).toBe('XR|RN2781|G#12345|DA001031|TI124800|');
    const items = [
      ['1', '327', '350', 'Telephone'],
      ['1', '100', '12000', 'Room night'],
      ['2', '420', '1500', 'Minibar'],
    ].map(([window, department, amount, description]) =>
      buildBillItem({
        room: '2781',
        folioWindow: Number(window),
        reservation: '12345',
        departmentCode: department,
        amount: rub(Number(amount)),
        description,
        date: '001031',
        time: '124753',
        display: true,
      }),
    );
    expect(text(items[0])).toBe('XI|RN2781|F#1|G#12345|DC327|BI350|BDTelephone|DA001031|TI124753|FDY|');
    const balance = buildBillBalance({
      room: '2781',
      reservation: '12345',
      balance: rub(13850),
      status: 'OK',
      date: '001031',
      time: '124801',
    });
    expect(text(balance)).toBe('XB|RN2781|G#12345|BA13850|ASOK|DA001031|TI124801|');
    const total = Money.sum(
      items.map((item) => parseBillItem(item, RUB).amount),
      RUB,
    );
    expect(parseBillBalance(balance, RUB).balance).toEqual(total);
    expect(parseBillBalance(parseRecord('XB|ASUR|BA0|RN2781|G#12345|'), RUB)).toEqual({
      status: 'UR',
      balance: rub(0),
      room: '2781',
      reservation: '12345',
    });
  });

  it('XC remote checkout request and answer', () => {
    expect(
      text(
        buildRemoteCheckout({
          room: '2781',
          reservation: '12345',
          balance: rub(13850),
          date: '001031',
          time: '125000',
        }),
      ),
    ).toBe('XC|RN2781|G#12345|BA13850|DA001031|TI125000|');
    expect(parseTypedRecord(parseRecord('XC|RN2781|G#12345|BA13850|ASBM|CTBALANCE MISMATCH|'), RUB)).toEqual({
      id: 'XC',
      data: {
        room: '2781',
        reservation: '12345',
        balance: rub(13850),
        status: 'BM',
        text: 'BALANCE MISMATCH',
      },
    });
  });

  it('LS / LD / LR / LA start-up', () => {
    expect(text(buildStampRecord('LS', { date: '000915', time: '123500' }))).toBe('LS|DA000915|TI123500|');
    expect(
      text(buildLinkDescription({ date: '000915', time: '123501', version: '1.01', interfaceFamily: 'PO' })),
    ).toBe('LD|DA000915|TI123501|V#1.01|IFPO|');
    expect(text(buildLinkRecord({ recordId: 'XB', fieldIds: ['RN', 'G#', 'BA', 'AS', 'DA', 'TI'] }))).toBe(
      'LR|RIXB|FLRNG#BAASDATI|',
    );
    expect(parseLinkRecord(parseRecord('LR|RIXI|FLRNF#G#DCBIBDDATIFD|')).fieldIds).toEqual([
      'RN',
      'F#',
      'G#',
      'DC',
      'BI',
      'BD',
      'DA',
      'TI',
      'FD',
    ]);
    expect(text(buildStampRecord('LA', { date: '000915', time: '123502' }))).toBe('LA|DA000915|TI123502|');
    expect(() => parseLinkRecord(parseRecord('LR|RIXI|FLRNF|'))).toThrow(
      expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }),
    );
  });

  it('GI with swap flag, GC room move, GO', () => {
    const gi = buildGuestRecord('GI', {
      room: '2781',
      reservation: '12345',
      guestName: 'Guest, Mr.',
      language: 'EA',
      shareFlag: 'Y',
      arrival: '000913',
      departure: '000917',
      swap: true,
    });
    expect(text(gi)).toBe('GI|RN2781|G#12345|GNGuest, Mr.|GLEA|GSY|GA000913|GD000917|SF|');
    expect(parseGuestRecord(gi).swap).toBe(true);
    expect(parseGuestRecord(parseRecord('GC|RN2790|RO2781|G#12345|'))).toEqual({
      room: '2790',
      oldRoom: '2781',
      reservation: '12345',
    });
    expect(parseTypedRecord(parseRecord('GO|RN2781|G#12345|'), RUB)).toEqual({
      id: 'GO',
      data: { room: '2781', reservation: '12345' },
    });
    expect(parseTypedRecord(parseRecord('NS|DA000915|TI020000|'), RUB)).toEqual({
      id: 'NS',
      data: { date: '000915', time: '020000' },
    });
  });
});

describe('FIAS typed records: validation', () => {
  it.each([
    ['PA|RN1|ASXX|P#1|', 'FIAS.FIELD_INVALID'],
    ['PA|RN1|P#1|', 'FIAS.FIELD_MISSING'],
    ['PR|WS1|RN1|TA100|', 'FIAS.FIELD_MISSING'],
    ['PR|P#1|RN1|TA100|', 'FIAS.FIELD_MISSING'],
    ['PR|WS1|P#1|RN1|TA1.00|', 'FIAS.FIELD_INVALID'],
    ['PR|WS1|P#1|RN1|TA100|S1--5|', 'FIAS.FIELD_INVALID'],
    ['PR|WS1|P#x|PI1|', 'FIAS.FIELD_INVALID'],
    ['XI|RN1|BI12,50|', 'FIAS.FIELD_INVALID'],
    ['GI|RN1|GA001332|', 'FIAS.FIELD_INVALID'],
    ['PS|RN1|TA1|P#1|TI250000|', 'FIAS.FIELD_INVALID'],
    ['PL|RN1|NPX|P#1|', 'FIAS.FIELD_INVALID'],
    ['ZZ|RN1|', 'FIAS.RECORD_UNKNOWN'],
    ['GI|G#1|', 'FIAS.FIELD_MISSING'],
  ])('%s → %s', (wire, code) => {
    expect(() => parseTypedRecord(parseRecord(wire), RUB)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses an amount out of the safe integer range as a typed error', () => {
    expect(() => parseFiasAmount('999999999999999', RUB)).not.toThrow();
    expect(() => parseFiasAmount('9999999999999999', RUB)).toThrow(
      expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }),
    );
  });

  it('formats and parses YYMMDD / HHMMSS in local time with a 70 pivot', () => {
    const at = new Date(2026, 5, 11, 9, 5, 7);
    expect(toFiasDate(at)).toBe('260611');
    expect(toFiasTime(at)).toBe('090507');
    expect(fromFiasDateTime('260611', '090507')).toEqual(at);
    expect(fromFiasDateTime('991231').getFullYear()).toBe(1999);
    expect(() => fromFiasDateTime('260230')).toThrow(expect.objectContaining({ code: 'FIAS.FIELD_INVALID' }));
  });

  it('round-trips any PR posting through the wire text (property)', () => {
    const money = fc.integer({ min: -9_999_999, max: 9_999_999 }).map(rub);
    const slotsArb = fc
      .array(fc.tuple(fc.constantFrom(...FIAS_SLOTS), money), { maxLength: 4 })
      .map((entries): FiasSlotAmounts => {
        const out: Partial<Record<FiasSlot, Money>> = {};
        for (const [slot, value] of entries) out[slot] = value;
        return out;
      });
    const token = fc.stringMatching(/^[A-Za-z0-9 ,.]{1,12}$/);
    fc.assert(
      fc.property(
        fc.record(
          {
            workstation: token,
            room: fc.stringMatching(/^\d{1,5}$/),
            reservation: fc.stringMatching(/^\d{1,9}$/),
            guestName: token,
            total: money,
            subtotals: slotsArb,
            taxes: slotsArb,
            tip: money,
            postingNumber: fc.integer({ min: 1, max: 99_999_999 }),
            covers: fc.integer({ min: 0, max: 999 }),
          },
          { requiredKeys: ['workstation', 'room', 'total', 'postingNumber'] },
        ),
        (posting) => {
          const normalized = {
            ...posting,
            subtotals:
              posting.subtotals && Object.keys(posting.subtotals).length > 0 ? posting.subtotals : undefined,
            taxes: posting.taxes && Object.keys(posting.taxes).length > 0 ? posting.taxes : undefined,
          };
          const expected = Object.fromEntries(Object.entries(normalized).filter(([, v]) => v !== undefined));
          const wire = serializeRecord(buildPostingRequest(normalized));
          expect(parsePostingRequest(parseRecord(wire), RUB)).toEqual({ kind: 'posting', ...expected });
        },
      ),
      { seed: 20260611, numRuns: 500 },
    );
  });
});
