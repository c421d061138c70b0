import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresServer {
  /** Connects to the `postgres` maintenance database as a role that may create databases. */
  adminUrl: string;
  describe: string;
  stop?: () => Promise<void>;
}

const TEST_ROLE = 'relance_test';
const TEST_PASSWORD = 'relance_test';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function psqlAsPostgres(sql: string, port: string) {
  // PostgreSQL refuses root; its own superuser is reached through the `postgres` system account
  // (runuser, not su -c, so the SQL never passes through a shell).
  return run('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-p', port, '-qAt', '-c', sql], { cwd: '/' });
}

/**
 * The PostgreSQL the tests run on, in order: TEST_DATABASE_URL (an existing server's maintenance
 * database), the machine's Debian cluster (started if it is down), or an embedded server in .data/.
 */
export async function provideTestPostgres(projectRoot: string, log: (line: string) => void): Promise<PostgresServer> {
  const explicit = process.env['TEST_DATABASE_URL'];
  if (explicit !== undefined && explicit !== '') return { adminUrl: explicit, describe: 'TEST_DATABASE_URL' };

  if (existsSync('/usr/bin/pg_lsclusters')) {
    const { stdout } = await run('pg_lsclusters', ['--no-header']);
    const clusters = stdout.trim().split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/));
    const preferred = clusters.find(([version]) => version === '15') ?? clusters[0];
    if (preferred !== undefined) {
      const [version, name, port, status] = preferred as [string, string, string, string];
      if (status !== 'online') {
        log(`starting the machine's PostgreSQL ${version}/${name} on port ${port}`);
        await run('pg_ctlcluster', [version, name, 'start']);
      }
      const adminUrl = `postgres://${TEST_ROLE}:${TEST_PASSWORD}@127.0.0.1:${port}/postgres`;
      if (!(await canConnect(adminUrl))) {
        await psqlAsPostgres(
          `do $$ begin if not exists (select from pg_roles where rolname = '${TEST_ROLE}') then create role ${TEST_ROLE} login createdb password '${TEST_PASSWORD}'; end if; end $$;`,
          port,
        );
      }
      return { adminUrl, describe: `the machine's PostgreSQL ${version}/${name} (port ${port})` };
    }
  }

  const { startEmbeddedPostgres } = await import('../../scripts/local/embedded-postgres.js');
  const port = 54339;
  const server = await startEmbeddedPostgres({ dataDir: path.join(projectRoot, '.data', 'test'), port, log });
  const adminUrl = server.url.replace(/\/[^/]+$/, '/postgres');
  return { adminUrl, describe: `an embedded PostgreSQL on port ${port}`, stop: () => server.stop() };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(adminUrl: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Drops a database whoever is connected. An autovacuum worker busy in it belongs to no role, and
 * PostgreSQL 15 refuses a non-superuser's FORCE over it ("must be a member of the role whose process
 * is being terminated"); the worker is gone within moments, so the drop is tried again.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      if (attempt >= 50 || !(error instanceof Error) || !error.message.includes('must be a member of the role whose process is being terminated')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
