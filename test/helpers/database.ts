import { randomBytes } from 'node:crypto';
import { Migrator } from 'kysely';
import { inject } from 'vitest';
import { createDb, type Db } from '../../db/connection.js';
import { migrations } from '../../db/migrations/index.js';
import { adminQuery, databaseUrl, dropDatabase } from '../support/postgres.js';

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this file's own, copied from the run's template in a few ms. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const template = inject('templateDatabase');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name} template ${template}`);
  const url = databaseUrl(adminUrl, name);
  const db = createDb(url);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}

/**
 * A fresh database of this file's own, migrated only up to `migration` (its name in
 * db/migrations/index.ts): for a test of the next migration on the rows it finds there.
 */
export async function createDatabaseMigratedTo(migration: string): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${inject('templateDatabase')}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = databaseUrl(adminUrl, name);
  const db = createDb(url);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(migration);
  if (error !== undefined) throw error;
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}
