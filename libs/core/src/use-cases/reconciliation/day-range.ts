import { DomainRuleError } from '../../errors/domain.errors';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws for anything but a real calendar date written YYYY-MM-DD. */
export function assertReportDate(date: string): void {
  const match = DATE.exec(date);
  const valid =
    match !== null &&
    new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
      .toISOString()
      .slice(0, 10) === date;
  if (!valid) throw new DomainRuleError(`"${date}" is not a date written YYYY-MM-DD`, { metadata: { date } });
}

/** Local wall time minus UTC at `at`, in milliseconds, for an IANA time zone. */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
}

function startOfDay(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  const wallMidnight = Date.UTC(year, month - 1, day);
  // Two passes: the offset at the guess may differ from the offset at the true instant around a DST change.
  const first = wallMidnight - offsetAt(wallMidnight, timeZone);
  return new Date(wallMidnight - offsetAt(first, timeZone));
}

/** The instants a calendar day of the site's time zone spans: [from, to). */
export function dayRange(date: string, timeZone: string): { from: Date; to: Date } {
  assertReportDate(date);
  const [year, month, day] = date.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  return { from: startOfDay(date, timeZone), to: startOfDay(next, timeZone) };
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const wall = new Date(at.getTime() + offsetAt(at.getTime(), timeZone));
  return wall.toISOString().slice(0, 10);
}

/** The local hour (0-23) of an instant in a time zone. */
export function localHour(at: Date, timeZone: string): number {
  return new Date(at.getTime() + offsetAt(at.getTime(), timeZone)).getUTCHours();
}

export function previousDate(date: string): string {
  assertReportDate(date);
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}
