import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// bigint ids (bigserial, count(*)) arrive as strings by default; they fit in a JS number here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = Kysely<Database>;

const pools = new WeakMap<Db, pg.Pool>();

/** How many connections a process holds, for its metrics. */
export function poolStats(db: Db): { total: number; idle: number; waiting: number } {
  const pool = pools.get(db);
  return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
}

export function createDb(connectionString: string, options: { poolMax?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 10 });
  // A client losing its server (a restart) must not crash the process. Idle, the pool reports it here
  // and drops it. Checked out, pg emits 'error' on the client itself with no listener (an uncaught
  // exception) while its pending query is rejected anyway; the pool drops it on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}
