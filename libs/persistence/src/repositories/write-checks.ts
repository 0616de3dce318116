import { UpdateResult } from 'typeorm';

/** An update that matched no row is a caller's bug (the record was never inserted), not a no-op. */
export function assertUpdated(result: Pick<UpdateResult, 'affected'>, what: string, id: string): void {
  if (result.affected === 0) throw new Error(`${what} ${id} does not exist`);
}
