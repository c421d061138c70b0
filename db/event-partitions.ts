import { sql } from 'kysely';
import { defaultScoringModel, ScoringModel } from '../domain/scoring/index.js';
import type { Db } from './connection.js';

// The events and the score ledger are partitioned by week of occurred_at (migration 0019, which
// argues the week). This keeps them from growing forever: weeks are created ahead of the clock, and
// a week entirely past the retention is dropped whole; message ids are forgotten past their own.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
export const PARTITIONED_TABLES = ['events', 'score_ledger'] as const;
/** Weeks created ahead of the current one: four weeks of a stopped maintenance before rows go to the default partition. */
const WEEKS_AHEAD = 4;
/**
 * Kept beyond the longest scoring window: a cap bucket (an ISO week) that straddles the window's start
 * is still counted whole by a re-score, and a week of late-arriving events is still scored against it.
 */
export const RETENTION_MARGIN_DAYS = 14;
// Every instance runs the maintenance; one at a time does the work, the others find the lock taken.
const LOCK_KEY = sql`hashtextextended('relance:event-partitions', 0)`;
/** A busy reader must not make the drop wait and ingestion queue behind it: the next run tries again. */
const LOCK_TIMEOUT = '5s';
const PARTITION_NAME = /_w(\d{4})(\d{2})(\d{2})$/;

export interface PartitionMaintenance {
  /** False when another instance held the maintenance lock: nothing was done. */
  ran: boolean;
  retentionDays: number;
  /** Rows that occurred before it are past the retention. */
  cutoff: Date;
  created: string[];
  dropped: string[];
  /** Rows past the retention deleted from the default partitions (rows no week covered when stored). */
  expiredStragglers: number;
  /** Message ids received before their own retention, forgotten. */
  forgottenMessageIds: number;
}

/** The Monday 00:00 UTC that starts the ISO week holding `at`. */
export function weekStartOf(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

/**
 * The retention when EVENT_RETENTION_DAYS is unset: the longest window of any scoring model stored
 * (a re-score with any of them reads its whole window), or of the built-in one, plus the margin.
 */
export async function defaultRetentionDays(db: Db): Promise<number> {
  const rows = await db.selectFrom('scoring_models').select('document').execute();
  const windows = rows.map((row) => ScoringModel.safeParse(row.document)).flatMap((parsed) => (parsed.success ? [parsed.data.windowDays] : []));
  return Math.ceil(Math.max(defaultScoringModel.windowDays, ...windows)) + RETENTION_MARGIN_DAYS;
}

/** Week partitions of each partitioned table, with the Monday each starts on. */
async function weekPartitions(db: Db): Promise<{ table: string; name: string; weekStart: Date }[]> {
  const { rows } = await sql<{ parent: string; name: string }>`
    select p.relname as parent, c.relname as name
    from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname in (${sql.join([...PARTITIONED_TABLES])}) and p.relnamespace = current_schema()::regnamespace`.execute(db);
  return rows.flatMap((row) => {
    const match = PARTITION_NAME.exec(row.name);
    return match === null ? [] : [{ table: row.parent, name: row.name, weekStart: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) }];
  });
}

/**
 * Creates the week partitions from the retention's cutoff to a few weeks ahead, drops the weeks
 * entirely past the retention, deletes from the default partitions the rows past it, and forgets the
 * message ids received before theirs. Safe with several instances: one runs, the others skip.
 */
export interface RetentionSettings {
  /** EVENT_RETENTION_DAYS; unset: `defaultRetentionDays`. */
  retentionDays?: number | undefined;
  /** MESSAGE_ID_RETENTION_DAYS; unset: the event retention. */
  messageIdRetentionDays?: number | undefined;
}

export async function maintainEventPartitions(db: Db, options: RetentionSettings & { now?: Date } = {}): Promise<PartitionMaintenance> {
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? (await defaultRetentionDays(db));
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const messageIdCutoff = new Date(now.getTime() - (options.messageIdRetentionDays ?? retentionDays) * DAY_MS);
  const outcome: PartitionMaintenance = { ran: false, retentionDays, cutoff, created: [], dropped: [], expiredStragglers: 0, forgottenMessageIds: 0 };

  const ran = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`.execute(trx);
    if (!rows[0]!.locked) return false;
    await sql`set local lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(trx);
    const last = weekStartOf(now).getTime() + WEEKS_AHEAD * WEEK_MS;
    for (let week = weekStartOf(cutoff).getTime(); week <= last; week += WEEK_MS) {
      const day = new Date(week).toISOString().slice(0, 10);
      for (const table of PARTITIONED_TABLES) {
        const created = await sql<{ created: boolean }>`select create_week_partition(${table}, ${day}::date) as created`.execute(trx);
        if (created.rows[0]!.created) outcome.created.push(`${table}_w${day.replaceAll('-', '')}`);
      }
    }
    for (const partition of await weekPartitions(trx)) {
      if (partition.weekStart.getTime() + WEEK_MS > cutoff.getTime()) continue;
      await sql`drop table ${sql.table(partition.name)}`.execute(trx);
      outcome.dropped.push(partition.name);
    }
    for (const table of PARTITIONED_TABLES) {
      const deleted = await sql`delete from ${sql.table(`${table}_default`)} where occurred_at < ${cutoff}`.execute(trx);
      outcome.expiredStragglers += Number(deleted.numAffectedRows ?? 0);
    }
    return true;
  });
  if (!ran) return outcome;
  // Outside the DDL's transaction, so its locks do not wait for this delete; two instances deleting
  // the same rows is harmless.
  const forgotten = await db.deleteFrom('event_message_ids').where('received_at', '<', messageIdCutoff).executeTakeFirst();
  return { ...outcome, ran: true, forgottenMessageIds: Number(forgotten.numDeletedRows) };
}

export interface MaintenanceLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Runs the maintenance now and then every `intervalMs` (an hour: a week's partitions exist four weeks
 * ahead, so hours of failures only delay a drop). A failed run is logged and tried again next time;
 * rows never wait for it, the default partition takes what no week covers.
 */
export function startPartitionMaintenance(db: Db, settings: RetentionSettings & { intervalMs?: number }, log: MaintenanceLog) {
  const intervalMs = settings.intervalMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = maintainEventPartitions(db, { retentionDays: settings.retentionDays, messageIdRetentionDays: settings.messageIdRetentionDays })
      .then((outcome) => {
        if (outcome.created.length > 0 || outcome.dropped.length > 0 || outcome.expiredStragglers > 0) {
          log.info({ created: outcome.created, dropped: outcome.dropped, expiredStragglers: outcome.expiredStragglers, retentionDays: outcome.retentionDays }, 'event partitions maintained');
        }
      })
      .catch((error: unknown) => log.warn({ err: error }, 'event partition maintenance failed; it runs again within the hour'))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(run, intervalMs);
        timer.unref();
      });
  };
  run();
  return {
    /** The run in progress, if any (the first one starts at once). */
    settled: () => running,
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
