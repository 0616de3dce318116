/** Scripted misbehaviour: each rule applies to the next `count` XML requests (optionally of one CMD). */

export type SimFaultKind = 'fail' | 'unauthorized' | 'stall' | 'drop' | 'malformed';

export interface SimFaultRule {
  kind: SimFaultKind;
  count: number;
  cmd?: string;
  status?: string;
  errorText?: string;
  rk7ErrorN?: string;
  ms?: number;
  /**
   * stall/drop/malformed: execute the command first, then misbehave: "PayOrder applied, the answer never came".
   * A stall without it executes after the wait, and only if the client is still there.
   */
  applyWrite?: boolean;
}

export class SimFaultPlan {
  private rules: SimFaultRule[] = [];

  add(rule: SimFaultRule): void {
    if (!Number.isSafeInteger(rule.count) || rule.count <= 0)
      throw new Error('fault count must be a positive integer');
    this.rules.push({ ...rule });
  }

  take(cmd: string | undefined): SimFaultRule | undefined {
    const rule = this.rules.find(
      (r) => r.cmd === undefined || (cmd !== undefined && r.cmd.toLowerCase() === cmd.toLowerCase()),
    );
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count === 0) this.rules = this.rules.filter((r) => r !== rule);
    return { ...rule };
  }

  pending(): SimFaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }
}
