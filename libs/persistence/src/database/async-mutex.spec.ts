import { AsyncMutex } from './async-mutex';

describe('AsyncMutex', () => {
  it('runs holders one at a time, in arrival order', async () => {
    const sut = new AsyncMutex();
    const log: string[] = [];
    const step = (name: string, ms: number) =>
      sut.runExclusive(async () => {
        log.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`${name}:end`);
        return name;
      });

    const results = await Promise.all([step('a', 20), step('b', 1), step('c', 5)]);

    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('lets the next holder in after one throws', async () => {
    const sut = new AsyncMutex();

    const failed = sut.runExclusive(async () => {
      throw new Error('boom');
    });
    const next = sut.runExclusive(async () => 'next');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
