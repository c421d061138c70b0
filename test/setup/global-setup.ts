import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import { ensureTemporalTools } from '../../scripts/temporal-tools.js';
import { ensureConsoleBuilt } from '../../scripts/console-build.js';
import { adminQuery, databaseUrl, provideTestPostgres, dropDatabase } from '../support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCliPath: string;
    temporalTestServerPath: string;
    postgresAdminUrl: string;
    /** A migrated database each test file copies (CREATE DATABASE ... TEMPLATE) into its own. */
    templateDatabase: string;
  }
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (line: string) => process.stderr.write(`test setup: ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [tools, postgres] = await Promise.all([
    ensureTemporalTools({ projectRoot: PROJECT_ROOT, log }),
    provideTestPostgres(PROJECT_ROOT, log),
    // The browser tests open the console as the API serves it: built from the sources of this checkout.
    ensureConsoleBuilt(log),
  ]);
  log(`PostgreSQL: ${postgres.describe}`);

  // One database per run: runs never see each other's rows, and a crashed run's leftovers are named.
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const templateDatabase = `relance_test_${runId}`;
  await adminQuery(postgres.adminUrl, `create database ${templateDatabase}`);
  const db = createDb(databaseUrl(postgres.adminUrl, templateDatabase));
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }

  project.provide('temporalCliPath', tools.cliPath);
  project.provide('temporalTestServerPath', tools.testServerPath);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const { rows } = await adminQuery(
      postgres.adminUrl,
      `select datname from pg_database where datname like 'relance_test_${runId}%'`,
    );
    for (const { datname } of rows as { datname: string }[]) {
      await dropDatabase(postgres.adminUrl, datname);
    }
    await postgres.stop?.();
  };
}
