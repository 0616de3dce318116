import { AddressInfo, Server, Socket, createServer } from 'node:net';
import fc from 'fast-check';
import { FiasCodec, fieldValue } from './fias.codec';
import { FiasProtocolError } from './fias.errors';
import { FiasLink } from './fias.link';
import { FiasPmsAdapter } from './fias.pms-adapter';
import { InMemoryFiasPostingNumberStore } from './fias.posting-number';
import { randomFiasBytes } from './testing/random-fias-bytes';
import { waitFor } from '../../../test/support/wait-for';

const RUNS = 100_000;
const codec = new FiasCodec();

/** A hostile IFC: links up properly, then floods the socket with random bytes. */
async function startHostilePms(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    const send = (text: string): void => {
      if (!socket.destroyed) socket.write(codec.encodeRecordText(text));
    };
    const decoder = codec.createDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind !== 'frame') continue;
        const record = codec.decodeBody(item.body);
        if (record.id === 'LA') send('LA|');
        if (record.id === 'DR') ['DS|', 'GI|RN2781|G#12345|GNGuest, Mr.|SF|', 'DE|'].forEach(send);
        if (record.id === 'XR') {
          const room = fieldValue(record, 'RN');
          send(`XI|RN${room}|G#12345|F#1|DC100|BI12000|BDRoom night|DA260611|TI020000|FDY|`);
          send(`XB|RN${room}|G#12345|BA12000|ASOK|`);
        }
      }
    });
    send('LS|');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

describe('FIAS link over TCP under random bytes from the PMS', () => {
  it(`keeps a live link through ${RUNS} random byte strings on its socket, every failure typed`, async () => {
    const pms = await startHostilePms();
    const link = new FiasLink(
      { host: '127.0.0.1', port: pms.port, currency: 'RUB', answerTimeoutMs: 2000 },
      { postingNumbers: new InMemoryFiasPostingNumberStore() },
    );
    const sut = new FiasPmsAdapter(
      { siteId: 'fuzz-tcp', currency: 'RUB', posting: { workstation: 'BRIDGE1', amountSign: 'positive' } },
      { link },
    );
    await sut.start();
    await waitFor(() => sut.listOpenBills().catch(() => undefined), { what: 'the link alive' });
    const errors: unknown[] = [];
    let sentinelSeen = false;
    link.on('protocolError', (error) => errors.push(error));
    link.on('event', (event) => {
      if (event.id === 'GI' && event.data.reservation === 'SENTINEL1') sentinelSeen = true;
    });

    const socket = pms.sockets[0];
    const chunks: Buffer[] = [];
    fc.assert(
      fc.property(randomFiasBytes, (bytes) => {
        chunks.push(Buffer.from(bytes));
      }),
      { seed: 7, numRuns: RUNS },
    );
    for (const chunk of chunks) socket.write(chunk);
    socket.write(codec.encodeRecordText('LS|'));
    socket.write(codec.encodeRecordText('GI|RN0001|G#SENTINEL1|GNLast, Mr.|'));

    // TCP keeps order: once the link reports the sentinel, it has been through every random byte.
    await waitFor(() => sentinelSeen, { timeoutMs: 30_000, what: 'the end of the storm' });
    await waitFor(() => link.health().alive, { what: 'the link alive after the storm' });
    expect(errors.length).toBeGreaterThan(RUNS / 10);
    const bill = await waitFor(
      () => sut.getBill({ externalId: '12345', attributes: { room: '2781' } }).catch(() => undefined),
      { what: 'a bill view after the storm' },
    );
    expect(bill).toMatchObject({ externalId: '12345', amountDue: { minor: 12000 } });
    expect(errors.every((error) => error instanceof FiasProtocolError)).toBe(true);
    expect(pms.sockets).toHaveLength(1);
    await sut.stop();
    await new Promise<void>((resolve) => pms.server.close(() => resolve()));
  });
});
