import {
  FiasCodec,
  FiasControl,
  FiasFrameDecoder,
  FiasRecord,
  controlByte,
  parseRecord,
  serializeRecord,
} from './fias.codec';
import { FiasProtocolError, isFiasProtocolError } from './fias.errors';

export interface FiasTransportHandlers {
  write(bytes: Buffer): void;
  onRecord(record: FiasRecord, text: string): void;
  onProtocolError(error: FiasProtocolError): void;
  onFailure(error: FiasProtocolError): void;
}

export interface FiasTransportOptions {
  codec: FiasCodec;
  ack: boolean;
  ackTimeoutMs?: number;
  maxRetransmits?: number;
}

interface Outgoing {
  readonly bytes: Buffer;
  attempts: number;
}

export class FiasFrameTransport {
  private readonly decoder: FiasFrameDecoder;
  private readonly queue: Outgoing[] = [];
  private awaitingAck = false;
  private ackTimer?: NodeJS.Timeout;
  private lastReply: FiasControl = 'ACK';
  private disposed = false;
  private readonly ackTimeoutMs: number;
  private readonly maxRetransmits: number;

  constructor(
    private readonly options: FiasTransportOptions,
    private readonly handlers: FiasTransportHandlers,
  ) {
    this.decoder = options.codec.createDecoder();
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    this.maxRetransmits = options.maxRetransmits ?? 3;
  }

  send(record: FiasRecord): string {
    const text = serializeRecord(record);
    const bytes = this.options.codec.encodeRecordText(text);
    if (this.disposed) return text;
    if (!this.options.ack) {
      this.handlers.write(bytes);
      return text;
    }
    this.queue.push({ bytes, attempts: 0 });
    if (!this.awaitingAck) this.transmitHead();
    return text;
  }

  receive(chunk: Buffer): void {
    if (this.disposed) return;
    for (const item of this.decoder.push(chunk)) {
      if (this.disposed) return;
      if (item.kind === 'frame') {
        this.reply('ACK');
        this.deliver(item.body);
      } else if (item.kind === 'control') {
        this.onControl(item.control);
      } else {
        if (item.error.code === 'FIAS.LRC_MISMATCH' || item.error.code === 'FIAS.FRAME_TOO_LONG')
          this.reply('NAK');
        this.handlers.onProtocolError(item.error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  private deliver(body: Buffer): void {
    let text: string;
    let record: FiasRecord;
    try {
      text = this.options.codec.decodeText(body);
      record = parseRecord(text);
    } catch (error) {
      this.handlers.onProtocolError(
        isFiasProtocolError(error)
          ? error
          : new FiasProtocolError('FIAS.RECORD_MALFORMED', 'Undecodable frame', { cause: error }),
      );
      return;
    }
    this.handlers.onRecord(record, text);
  }

  private reply(control: 'ACK' | 'NAK'): void {
    if (!this.options.ack) return;
    this.lastReply = control;
    this.handlers.write(controlByte(control));
  }

  private onControl(control: FiasControl): void {
    if (!this.options.ack) {
      this.handlers.onProtocolError(
        new FiasProtocolError('FIAS.GARBAGE', `Unexpected ${control} on a link without acknowledgements`),
      );
      return;
    }
    if (control === 'ENQ') {
      this.handlers.write(controlByte(this.lastReply));
      return;
    }
    if (!this.awaitingAck) return;
    if (control === 'ACK') {
      this.clearAckTimer();
      this.queue.shift();
      this.awaitingAck = false;
      if (this.queue.length > 0) this.transmitHead();
    } else {
      this.retransmit('NAK');
    }
  }

  private transmitHead(): void {
    const head = this.queue[0];
    if (!head || this.disposed) return;
    head.attempts++;
    this.awaitingAck = true;
    this.handlers.write(head.bytes);
    this.clearAckTimer();
    this.ackTimer = setTimeout(() => this.retransmit('timeout'), this.ackTimeoutMs);
  }

  private retransmit(reason: 'NAK' | 'timeout'): void {
    const head = this.queue[0];
    if (!head || this.disposed) return;
    this.clearAckTimer();
    if (head.attempts > this.maxRetransmits) {
      this.awaitingAck = false;
      this.dispose();
      this.handlers.onFailure(
        new FiasProtocolError(
          'FIAS.ACK_FAILED',
          `Frame not acknowledged after ${head.attempts} attempts (${reason})`,
        ),
      );
      return;
    }
    this.transmitHead();
  }

  private clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }
}
