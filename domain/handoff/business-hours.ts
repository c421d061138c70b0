import { z } from 'zod';
import { isTimeZone, wallClock } from '../time-zone.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

/** When a sales team works: the SLA clock only runs inside these hours, in the team's time zone. */
export const BusinessHours = z
  .object({
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone, e.g. Europe/Paris'),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
    start: clock.default('09:00'),
    end: clock.default('18:00'),
  })
  .refine((hours) => minutesOf(hours.start) < minutesOf(hours.end), { message: 'start must be before end', path: ['end'] });
export type BusinessHours = z.infer<typeof BusinessHours>;

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

function localParts(instant: number, timeZone: string): LocalTime & { seconds: number } {
  const wall = wallClock(instant, timeZone);
  return { year: wall.year, month: wall.month, day: wall.day, weekday: wall.weekday, minutes: wall.hour * 60 + wall.minute, seconds: wall.second };
}

/** The instant at a local wall-clock time; across a DST gap it lands on the same offset as just before. */
function instantAt(date: { year: number; month: number; day: number }, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  let guess = wall;
  // Two rounds converge: the offset at the guess corrects it, the second round handles a DST edge.
  for (let round = 0; round < 2; round += 1) {
    const local = localParts(guess, timeZone);
    const asWall = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes) + local.seconds * 1000;
    guess += wall - asWall;
  }
  return guess;
}

const MINUTE_MS = 60_000;

/**
 * The instant `hours` business hours after `from`: time outside the working days and hours does
 * not count. 4 business hours from Friday 16:00 (09:00–18:00, Monday–Friday) is Monday 11:00.
 */
export function addBusinessHours(from: Date, hours: number, businessHours: BusinessHours): Date {
  const open = minutesOf(businessHours.start);
  const close = minutesOf(businessHours.end);
  const days = new Set(businessHours.days);
  let remainingMs = Math.round(hours * 60 * MINUTE_MS);
  let cursor = from.getTime();
  // A year of calendar days is far beyond any SLA; the bound only guards against a bad schedule.
  for (let step = 0; step < 400; step += 1) {
    const local = localParts(cursor, businessHours.timeZone);
    const minuteOfDay = local.minutes + local.seconds / 60;
    if (days.has(local.weekday) && minuteOfDay < close) {
      const windowStart = minuteOfDay < open ? instantAt(local, open, businessHours.timeZone) : cursor;
      const windowEnd = instantAt(local, close, businessHours.timeZone);
      const available = windowEnd - windowStart;
      if (remainingMs <= available) return new Date(windowStart + remainingMs);
      remainingMs -= available;
    }
    // Outside the window: go on from the next local midnight.
    const nextDay = new Date(Date.UTC(local.year, local.month - 1, local.day + 1));
    cursor = instantAt({ year: nextDay.getUTCFullYear(), month: nextDay.getUTCMonth() + 1, day: nextDay.getUTCDate() }, 0, businessHours.timeZone);
  }
  throw new Error('business hours never open: check days, start and end');
}
