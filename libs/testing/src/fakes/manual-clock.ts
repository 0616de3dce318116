import { Clock } from '@bridge/core';

/** A clock tests move by hand. */
export class ManualClock extends Clock {
  private current: number;

  constructor(start: Date = new Date('2026-11-28T12:00:00Z')) {
    super();
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(date: Date): void {
    this.current = date.getTime();
  }
}
