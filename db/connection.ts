import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// bigint ids (bigserial, count(*)) arrive as strings by default; they fit in a JS number here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = Kysely<Database>;

export function createDb(connectionString: string, options: { poolMax?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.poolMax ?? 10 });
  // An idle client losing its server (a restart) must not crash the process: the pool drops it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
