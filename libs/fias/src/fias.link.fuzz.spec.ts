import fc from 'fast-check';
import { FiasCodec, fieldValue } from './fias.codec';
import { FiasProtocolError } from './fias.errors';
import { FiasConnection, FiasConnectionEvents, FiasConnector, FiasLink } from './fias.link';
import { FiasPmsAdapter } from './fias.pms-adapter';
import { InMemoryFiasPostingNumberStore } from './fias.posting-number';
import { randomFiasBytes } from './testing/random-fias-bytes';
import { waitFor } from '../../../test/support/wait-for';

const RUNS = 100_000;
const codec = new FiasCodec();

/** The PMS end of an in-memory socket: answers link control, DR and XR the way an IFC would. */
class PmsEnd implements FiasConnection {
  private readonly decoder = codec.createDecoder();

  constructor(readonly events: FiasConnectionEvents) {}

  write(bytes: Buffer): void {
    for (const item of this.decoder.push(bytes)) {
      if (item.kind !== 'frame') continue;
      const text = item.body.toString('latin1');
      // Answer after the link has finished its own bookkeeping for the request, as a socket would.
      setImmediate(() => this.answer(text));
    }
  }

  end(): void {}

  destroy(): void {}

  send(text: string): void {
    this.events.data(codec.encodeRecordText(text));
  }

  private answer(text: string): void {
    const id = text.slice(0, 2);
    if (id === 'LA') this.send('LA|');
    if (id === 'DR') ['DS|', 'GI|RN2781|G#12345|GNGuest, Mr.|SF|', 'DE|'].forEach((t) => this.send(t));
    if (id === 'XR') {
      const room = fieldValue(codec.decodeBody(Buffer.from(text, 'latin1')), 'RN');
      this.send(`XI|RN${room}|G#12345|F#1|DC100|BI12000|BDRoom night|DA260611|TI020000|FDY|`);
      this.send(`XB|RN${room}|G#12345|BA12000|ASOK|`);
    }
  }
}

describe('FIAS link (with the PMS adapter on it) under random bytes from the PMS', () => {
  it(`survives ${RUNS} random byte strings on a live link: no crash, every failure a FiasProtocolError`, async () => {
    const ends: PmsEnd[] = [];
    const connector: FiasConnector = (_target, events) => {
      const end = new PmsEnd(events);
      ends.push(end);
      setImmediate(() => {
        events.connect();
        end.send('LS|');
      });
      return end;
    };
    const link = new FiasLink(
      { host: 'pms', port: 5010, currency: 'RUB', reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
      { postingNumbers: new InMemoryFiasPostingNumberStore(), connector },
    );
    const sut = new FiasPmsAdapter(
      { siteId: 'fuzz', currency: 'RUB', posting: { workstation: 'BRIDGE1', amountSign: 'positive' } },
      { link },
    );
    const current = (): PmsEnd => ends[ends.length - 1];
    await sut.start();
    await waitFor(() => sut.listOpenBills().catch(() => undefined), { what: 'the link to come alive' });
    const errors: unknown[] = [];
    link.on('protocolError', (error) => errors.push(error));

    fc.assert(
      fc.property(randomFiasBytes, (bytes) => {
        current().events.data(Buffer.from(bytes));
      }),
      { seed: 2026, numRuns: RUNS },
    );

    expect(errors.length).toBeGreaterThan(RUNS / 10);
    expect(errors.every((error) => error instanceof FiasProtocolError)).toBe(true);
    current().send('LS|');
    await waitFor(async () => (await sut.checkHealth()).ok, { what: 'the link alive again' });
    const bill = await waitFor(
      () => sut.getBill({ externalId: '12345', attributes: { room: '2781' } }).catch(() => undefined),
      { what: 'a bill view after the storm' },
    );
    expect(bill).toMatchObject({ externalId: '12345', amountDue: { minor: 12000 } });
    await sut.stop();
  }, 60_000);
});
