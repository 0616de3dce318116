import { IllegalTransitionError } from '../errors/domain.errors';

export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export function assertTransition<S extends string>(
  entity: string,
  table: TransitionTable<S>,
  from: S,
  to: S,
  id?: string,
): void {
  if (!table[from].includes(to)) throw new IllegalTransitionError(entity, from, to, id);
}
