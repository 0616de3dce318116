import { ACK, ENQ, FiasCodec, FiasRecord, NAK, parseRecord } from './fias.codec';
import { FiasProtocolError } from './fias.errors';
import { FiasFrameTransport } from './fias.transport';

function harness(ack: boolean) {
  const codec = new FiasCodec({ lrc: ack });
  const written: Buffer[] = [];
  const records: string[] = [];
  const errors: string[] = [];
  const failures: FiasProtocolError[] = [];
  const sut = new FiasFrameTransport(
    { codec, ack, ackTimeoutMs: 1000, maxRetransmits: 2 },
    {
      write: (bytes) => written.push(bytes),
      onRecord: (_record: FiasRecord, text) => records.push(text),
      onProtocolError: (error) => errors.push(error.code),
      onFailure: (error) => failures.push(error),
    },
  );
  return { sut, codec, written, records, errors, failures };
}

describe('FiasFrameTransport', () => {
  afterEach(() => jest.useRealTimers());

  it('without acknowledgements writes frames at once and delivers parsed records', () => {
    const { sut, codec, written, records, errors } = harness(false);
    expect(sut.send(parseRecord('LS|DA260611|TI101010|'))).toBe('LS|DA260611|TI101010|');
    sut.send(parseRecord('LA|'));
    expect(written).toEqual([codec.encodeRecordText('LS|DA260611|TI101010|'), codec.encodeRecordText('LA|')]);
    sut.receive(Buffer.concat([codec.encodeRecordText('PA|ASOK|P#1|'), Buffer.from([ACK])]));
    expect(records).toEqual(['PA|ASOK|P#1|']);
    expect(errors).toEqual(['FIAS.GARBAGE']);
  });

  it('reports an unparseable frame and keeps going', () => {
    const { sut, codec, records, errors } = harness(false);
    sut.receive(Buffer.concat([codec.encodeRecordText('xx'), codec.encodeRecordText('LA|')]));
    expect(errors).toEqual(['FIAS.RECORD_MALFORMED']);
    expect(records).toEqual(['LA|']);
  });

  it('with acknowledgements ACKs good frames, NAKs LRC errors and answers ENQ with the last reply', () => {
    const { sut, codec, written, records, errors } = harness(true);
    const good = codec.encodeRecordText('LS|');
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0x55;
    sut.receive(good);
    sut.receive(bad);
    sut.receive(Buffer.from([ENQ]));
    expect(records).toEqual(['LS|']);
    expect(errors).toEqual(['FIAS.LRC_MISMATCH']);
    expect(written).toEqual([Buffer.from([ACK]), Buffer.from([NAK]), Buffer.from([NAK])]);
  });

  it('sends one frame at a time and the next only after ACK', () => {
    const { sut, codec, written } = harness(true);
    sut.send(parseRecord('LD|V#1|'));
    sut.send(parseRecord('LA|'));
    expect(written).toEqual([codec.encodeRecordText('LD|V#1|')]);
    sut.receive(Buffer.from([ACK]));
    expect(written).toEqual([codec.encodeRecordText('LD|V#1|'), codec.encodeRecordText('LA|')]);
  });

  it('retransmits on NAK and on silence, then gives up with a typed failure', () => {
    jest.useFakeTimers();
    const { sut, codec, written, failures } = harness(true);
    const frame = codec.encodeRecordText('LA|');
    sut.send(parseRecord('LA|'));
    sut.receive(Buffer.from([NAK]));
    expect(written).toEqual([frame, frame]);
    jest.advanceTimersByTime(1000);
    expect(written).toEqual([frame, frame, frame]);
    expect(failures).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(failures.map((f) => f.code)).toEqual(['FIAS.ACK_FAILED']);
    sut.send(parseRecord('LS|'));
    expect(written).toHaveLength(3);
  });
});
