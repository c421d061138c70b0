import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// bigint ids (bigserial, count(*)) arrive as strings by default; they fit in a JS number here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = Kysely<Database>;

export function createDb(connectionString: string, options: { poolMax?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 10 });
  // A client losing its server (a restart) must not crash the process. Idle, the pool reports it here
  // and drops it. Checked out, pg emits 'error' on the client itself with no listener (an uncaught
  // exception) while its pending query is rejected anyway; the pool drops it on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
