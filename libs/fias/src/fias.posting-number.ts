import { open, readFile, rename } from 'node:fs/promises';
import { FiasProtocolError } from './fias.errors';

export const FIAS_MAX_POSTING_NUMBER = 99_999_999;

/**
 * Durable high-water mark of handed-out posting numbers. `save` must be durable when it resolves:
 * the allocator only uses a number after the mark covering it is saved, so a restart never reuses one.
 */
export interface FiasPostingNumberStore {
  load(): Promise<number>;
  save(highWater: number): Promise<void>;
}

export class InMemoryFiasPostingNumberStore implements FiasPostingNumberStore {
  constructor(private highWater = 0) {}

  async load(): Promise<number> {
    return this.highWater;
  }

  async save(highWater: number): Promise<void> {
    this.highWater = highWater;
  }

  get current(): number {
    return this.highWater;
  }
}

export class FileFiasPostingNumberStore implements FiasPostingNumberStore {
  constructor(private readonly path: string) {}

  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return 0;
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    const highWater =
      typeof parsed === 'object' && parsed !== null && 'highWater' in parsed ? parsed.highWater : undefined;
    if (typeof highWater !== 'number' || !Number.isSafeInteger(highWater) || highWater < 0) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', `Posting number file ${this.path} is corrupt`);
    }
    return highWater;
  }

  async save(highWater: number): Promise<void> {
    const temp = `${this.path}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify({ highWater }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
  }
}

export class FiasPostingNumberAllocator {
  private next?: number;
  private reservedUpTo = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: FiasPostingNumberStore,
    private readonly blockSize = 20,
  ) {
    if (!Number.isSafeInteger(blockSize) || blockSize < 1) {
      throw new FiasProtocolError('FIAS.CONFIG_INVALID', 'Posting number block size must be >= 1');
    }
  }

  allocate(): Promise<number> {
    const result = this.chain.then(() => this.allocateNow());
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async allocateNow(): Promise<number> {
    if (this.next === undefined) {
      const highWater = await this.store.load();
      this.next = highWater + 1;
      this.reservedUpTo = highWater;
    }
    const candidate = this.next;
    if (candidate > FIAS_MAX_POSTING_NUMBER) {
      throw new FiasProtocolError('FIAS.POSTING_NUMBER_EXHAUSTED', 'All FIAS posting numbers have been used');
    }
    if (candidate > this.reservedUpTo) {
      const upTo = Math.min(candidate + this.blockSize - 1, FIAS_MAX_POSTING_NUMBER);
      await this.store.save(upTo);
      this.reservedUpTo = upTo;
    }
    this.next = candidate + 1;
    return candidate;
  }
}
