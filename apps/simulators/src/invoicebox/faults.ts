import { randomUUID } from 'node:crypto';
import { FaultAction, FaultRuleInput, FaultRuleSnapshot, ROUTE_KINDS, RouteKind } from './types';

interface FaultRule {
  id: string;
  kinds: readonly RouteKind[];
  action: FaultAction;
  remaining: number | null;
  probability: number | null;
  applied: number;
}

export function normaliseKinds(kinds: FaultRuleInput['kinds']): readonly RouteKind[] {
  if (kinds === undefined || kinds === 'all') return ROUTE_KINDS;
  const list: readonly RouteKind[] = typeof kinds === 'string' ? [kinds] : kinds;
  for (const kind of list)
    if (!ROUTE_KINDS.includes(kind)) throw new RangeError(`Unknown route kind "${kind}"`);
  return list;
}

function checkAction(action: FaultAction): FaultAction {
  switch (action.kind) {
    case 'error':
      if (!Number.isInteger(action.status) || action.status < 400 || action.status > 599)
        throw new RangeError('error.status must be 400..599');
      return action;
    case 'stall':
    case 'commitThenStall':
      if (!(action.ms >= 0)) throw new RangeError(`${action.kind}.ms must be >= 0`);
      return action;
    case 'drop':
    case 'commitThenDrop':
      return action;
    default:
      throw new RangeError('Unknown fault action');
  }
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number) {}

  add(input: FaultRuleInput): string {
    if (input.count !== undefined && !(Number.isInteger(input.count) && input.count > 0))
      throw new RangeError('count must be a positive integer');
    if (input.probability !== undefined && !(input.probability >= 0 && input.probability <= 1))
      throw new RangeError('probability must be within 0..1');
    const rule: FaultRule = {
      id: randomUUID(),
      kinds: normaliseKinds(input.kinds),
      action: checkAction(input.action),
      remaining: input.count ?? null,
      probability: input.probability ?? null,
      applied: 0,
    };
    this.rules.push(rule);
    return rule.id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  snapshot(): FaultRuleSnapshot[] {
    return this.rules.map((r) => ({ ...r, kinds: [...r.kinds] }));
  }

  /** The first rule that fires for this request, consuming one of its uses. */
  take(kind: RouteKind): FaultAction | null {
    for (const rule of this.rules) {
      if (!rule.kinds.includes(kind)) continue;
      if (rule.probability !== null && this.random() >= rule.probability) continue;
      rule.applied += 1;
      if (rule.remaining !== null) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.remove(rule.id);
      }
      return rule.action;
    }
    return null;
  }
}
