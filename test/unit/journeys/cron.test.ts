import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../../domain/journeys/cron.js';
import { JourneyEntry } from '../../../domain/journeys/definition.js';

describe('cron of a calendar entry', () => {
  it.each(['0 9 * * 1', '0 9 26 12 *', '0 9 1-7 5 sun', '*/15 8-18 * * mon-fri', '0 0 1 jan,jul *', '30 6 * * 7', '0 9 8-14 5 0'])('accepts %s', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  it.each([
    ['0 9 * *', 'five fields'],
    ['0 9 * * * *', 'five fields'],
    ['60 9 * * *', 'minute: "60" is not between 0 and 59'],
    ['0 24 * * *', 'hour: "24" is not between 0 and 23'],
    ['0 9 32 12 *', 'day of month: "32" is not between 1 and 31'],
    ['0 9 1 13 *', 'month: "13" is not between 1 and 12'],
    ['0 9 * * funday', 'day of week: "funday"'],
    ['0 9 10-1 * *', 'runs backwards'],
    ['0 9 */0 * *', 'step "0" must be a positive number'],
    ['0 9 1,,2 * *', 'is not a value'],
  ])('refuses %s: %s', (cron, reason) => {
    expect(cronProblem(cron)).toContain(reason);
  });

  it('is checked when a journey entry is parsed, with the time zone', () => {
    expect(JourneyEntry.safeParse({ kind: 'schedule', cron: '0 9 26 12 *', timezone: 'Europe/Paris' }).success).toBe(true);
    const badCron = JourneyEntry.safeParse({ kind: 'schedule', cron: '0 9 26 13 *' });
    expect(badCron.error?.issues[0]).toMatchObject({ path: ['cron'], message: expect.stringContaining('month') });
    const badZone = JourneyEntry.safeParse({ kind: 'schedule', cron: '0 9 26 12 *', timezone: 'Mars/Olympus' });
    expect(badZone.error?.issues[0]).toMatchObject({ path: ['timezone'] });
  });
});
