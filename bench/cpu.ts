// Where a bench's CPU goes: this process, the Temporal server it spawned, the PostgreSQL backends of
// the bench's database, and the database transactions, between two snapshots (read from /proc: Linux
// only, 100 ticks per second). Shared by the journeys and send-path benches, which divide by e-mails.
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { round } from './harness.js';

const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function childPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && comm.includes(name)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

export interface CpuSnapshot {
  at: number;
  self: number;
  temporal: Map<number, number>;
  postgres: Map<number, number>;
  transactions: number;
}

export async function snapshot(db: Db): Promise<CpuSnapshot> {
  const { rows: backends } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  const { rows: stats } = await sql<{ xact_commit: number }>`select xact_commit::int from pg_stat_database where datname = current_database()`.execute(db);
  const usage = process.cpuUsage();
  const read = (pids: number[]) => new Map(pids.flatMap((pid) => { const cpu = processCpuSeconds(pid); return cpu === undefined ? [] : [[pid, cpu] as const]; }));
  return {
    at: performance.now(),
    self: (usage.user + usage.system) / 1e6,
    temporal: read(childPids('temporal')),
    postgres: read(backends.map((row) => row.pid)),
    transactions: stats[0]?.xact_commit ?? 0,
  };
}

/** CPU ms per e-mail and transactions per e-mail between two snapshots; a backend born in between counts from zero. */
export function breakdown(before: CpuSnapshot, after: CpuSnapshot, emails: number) {
  const spent = (a: Map<number, number>, b: Map<number, number>) => [...b].reduce((sum, [pid, cpu]) => sum + cpu - (a.get(pid) ?? 0), 0);
  const perEmail = (seconds: number) => round((seconds * 1000) / emails, 2);
  return {
    workerMs: perEmail(after.self - before.self),
    temporalMs: perEmail(spent(before.temporal, after.temporal)),
    postgresMs: perEmail(spent(before.postgres, after.postgres)),
    // Each statement outside a transaction commits on its own: these are round trips that commit.
    transactions: round((after.transactions - before.transactions) / emails, 2),
    wallSeconds: (after.at - before.at) / 1000,
  };
}

export const describeBreakdown = (b: ReturnType<typeof breakdown>) =>
  `CPU per e-mail: worker process ${b.workerMs} ms, Temporal server ${b.temporalMs} ms, PostgreSQL ${b.postgresMs} ms; ${b.transactions} database transactions per e-mail`;

