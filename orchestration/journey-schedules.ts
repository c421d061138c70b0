import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { scheduledJourneys, type ScheduledJourney } from '../db/journey-schedule.queries.js';
import { journeyScheduleId, journeyTickWorkflowId } from '../workflows/ids.js';
import type { journeyScheduleTickWorkflow } from '../workflows/journey-schedule.workflow.js';

const SCHEDULE_PREFIX = journeyScheduleId('');

/** What the schedule was last set from, kept in its memo: an unchanged journey costs one describe, no update. */
interface ScheduleMemo {
  cron: string;
  timezone: string;
  version: number;
}

function memoOf(journey: ScheduledJourney): ScheduleMemo {
  return { cron: journey.entry.cron, timezone: journey.entry.timezone ?? 'UTC', version: journey.version };
}

function sameMemo(memo: Record<string, unknown> | undefined, wanted: ScheduleMemo): boolean {
  return memo?.['cron'] === wanted.cron && memo['timezone'] === wanted.timezone && memo['version'] === wanted.version;
}

async function deleteIfThere(handle: ScheduleHandle): Promise<void> {
  try {
    await handle.delete();
  } catch (error) {
    // Another API instance deleted it a moment ago.
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

async function describeOrUndefined(handle: ScheduleHandle) {
  try {
    return await handle.describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Keeps one Temporal Schedule per journey whose published version enters contacts on a calendar
 * (`entry.kind: schedule`), and none for any other: created on publish, paused and resumed with the
 * journey, deleted when it is archived or republished without a calendar. Temporal owns the clock
 * (time zones, daylight saving, catching up after an outage), so no process of ours has to be up
 * at the tick; each tick starts `journeyScheduleTickWorkflow`, which enters the cohort through the
 * outbox like every other entry.
 */
export function createJourneyScheduler(deps: { db: Db; temporal: Client; taskQueue: string }) {
  async function apply(journeyId: string, journey: ScheduledJourney | undefined): Promise<void> {
    const handle = deps.temporal.schedule.getHandle(journeyScheduleId(journeyId));
    const current = await describeOrUndefined(handle);
    if (journey === undefined) {
      if (current !== undefined) await deleteIfThere(handle);
      return;
    }
    const memo = memoOf(journey);
    const paused = journey.status === 'paused';
    const spec = { cronExpressions: [memo.cron], timezone: memo.timezone };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: 'journeyScheduleTickWorkflow',
      workflowId: journeyTickWorkflowId(journeyId),
      taskQueue: deps.taskQueue,
      args: [{ journeyId }] as Parameters<typeof journeyScheduleTickWorkflow>,
    };
    // One tick at a time; after an outage, ticks missed within a day still run (an occasion sent a few hours late beats none).
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
    if (current === undefined) {
      try {
        await deps.temporal.schedule.create({ scheduleId: journeyScheduleId(journeyId), spec, action, policies, memo: { ...memo }, state: { paused, note: `journey ${journeyId} v${memo.version}` } });
      } catch (error) {
        // Another API instance created it a moment ago: it was made from the same row.
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      }
      return;
    }
    if (!sameMemo(current.memo, memo)) {
      // A memo cannot change through an update, so the schedule is remade from the new version (publishing is rare).
      await deleteIfThere(handle);
      await apply(journeyId, journey);
      return;
    }
    if (current.state.paused !== paused) await (paused ? handle.pause(`journey ${journeyId} paused`) : handle.unpause(`journey ${journeyId} resumed`));
  }

  return {
    /** Brings one journey's schedule in line with its row: after a publish, pause, resume or archive. */
    async sync(journeyId: string): Promise<void> {
      const [journey] = await scheduledJourneys(deps.db, journeyId);
      await apply(journeyId, journey);
    },

    /** Brings every journey schedule in line at start-up: also removes those of journeys changed while no API ran. */
    async syncAll(): Promise<void> {
      const journeys = await scheduledJourneys(deps.db);
      const wanted = new Map(journeys.map((journey) => [journey.journeyId, journey]));
      const existing: string[] = [];
      for await (const schedule of deps.temporal.schedule.list()) {
        if (schedule.scheduleId.startsWith(SCHEDULE_PREFIX)) existing.push(schedule.scheduleId.slice(SCHEDULE_PREFIX.length));
      }
      for (const journeyId of new Set([...existing, ...wanted.keys()])) await apply(journeyId, wanted.get(journeyId));
    },
  };
}

export type JourneyScheduler = ReturnType<typeof createJourneyScheduler>;
