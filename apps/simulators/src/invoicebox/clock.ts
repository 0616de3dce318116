import { SandboxClock } from './types';

export const systemClock: SandboxClock = { now: () => new Date() };

/** A clock that only moves when told to; inject it to make expiry tests exact. */
export class ManualClock implements SandboxClock {
  private ms: number;

  constructor(start: Date | number = Date.now()) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(time: Date | number): void {
    this.ms = typeof time === 'number' ? time : time.getTime();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Wraps the injected clock so the control API can move time even for an out-of-process test. */
export class OffsetClock implements SandboxClock {
  private offsetMs = 0;

  constructor(private readonly base: SandboxClock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  nowMs(): number {
    return this.now().getTime();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  resetOffset(): void {
    this.offsetMs = 0;
  }
}
