import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIAS_MAX_POSTING_NUMBER,
  FiasPostingNumberAllocator,
  FileFiasPostingNumberStore,
  InMemoryFiasPostingNumberStore,
} from './fias.posting-number';

describe('FiasPostingNumberAllocator', () => {
  it('hands out strictly increasing numbers, even to concurrent callers', async () => {
    const sut = new FiasPostingNumberAllocator(new InMemoryFiasPostingNumberStore(), 3);
    const numbers = await Promise.all(Array.from({ length: 10 }, () => sut.allocate()));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('persists the block before using it, so a restart never reuses a number', async () => {
    const store = new InMemoryFiasPostingNumberStore();
    const first = new FiasPostingNumberAllocator(store, 5);
    await first.allocate();
    await first.allocate();
    expect(store.current).toBe(5);
    const afterRestart = new FiasPostingNumberAllocator(store, 5);
    expect(await afterRestart.allocate()).toBe(6);
    expect(store.current).toBe(10);
  });

  it('refuses to wrap around past 99999999', async () => {
    const sut = new FiasPostingNumberAllocator(
      new InMemoryFiasPostingNumberStore(FIAS_MAX_POSTING_NUMBER - 1),
      20,
    );
    expect(await sut.allocate()).toBe(FIAS_MAX_POSTING_NUMBER);
    await expect(sut.allocate()).rejects.toMatchObject({ code: 'FIAS.POSTING_NUMBER_EXHAUSTED' });
  });

  it('does not hand out a number whose reservation failed to persist', async () => {
    const store = new InMemoryFiasPostingNumberStore();
    const failing = { load: () => store.load(), save: () => Promise.reject(new Error('disk full')) };
    const sut = new FiasPostingNumberAllocator(failing, 1);
    await expect(sut.allocate()).rejects.toThrow('disk full');
    await expect(sut.allocate()).rejects.toThrow('disk full');
  });
});

describe('FileFiasPostingNumberStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fias-pn-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('starts at 0, survives a new instance and writes JSON', async () => {
    const path = join(dir, 'p.json');
    expect(await new FileFiasPostingNumberStore(path).load()).toBe(0);
    const allocator = new FiasPostingNumberAllocator(new FileFiasPostingNumberStore(path), 10);
    expect(await allocator.allocate()).toBe(1);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ highWater: 10 });
    expect(await new FiasPostingNumberAllocator(new FileFiasPostingNumberStore(path), 10).allocate()).toBe(
      11,
    );
  });

  it('reports a corrupt file as a typed error', async () => {
    const path = join(dir, 'p.json');
    await writeFile(path, '{"highWater":"x"}');
    await expect(new FileFiasPostingNumberStore(path).load()).rejects.toMatchObject({
      code: 'FIAS.CONFIG_INVALID',
    });
  });
});
