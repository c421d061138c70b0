import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

// A new user clones anywhere, as anyone: here into a directory nobody else may enter (mode 700),
// which on a root shell is what `/root/relance` or a private temporary directory is to the
// `postgres` user the embedded PostgreSQL runs as.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilFree(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe: Server = createServer();
    const free = await new Promise<boolean>((resolve) => probe.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)));
    if (free) return new Promise((resolve) => probe.close(() => resolve()));
    if (Date.now() > deadline) throw new Error(`port ${port} is still taken ${timeoutMs / 1000} s after Ctrl-C`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(cwd: string, env: Record<string, string>): Started {
  // Its own process group, so one signal reaches npm, tsx and the engine as Ctrl-C would.
  const child = spawn('npm', ['start'], { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

async function waitFor(started: Started, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited with ${started.child.exitCode}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not print ${pattern} within ${timeoutMs / 1000} s:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start from a clone in a private directory', () => {
  let privateDir: string;
  let clone: string;
  let env: Record<string, string>;
  let relocatedCluster: string | undefined;

  beforeAll(async () => {
    // Inside the project's data folder, so node_modules can be hard-linked (one file system) rather
    // than installed again: the binaries keep their real path under the private directory.
    await mkdir(path.join(projectRoot, '.data'), { recursive: true });
    privateDir = await mkdtemp(path.join(projectRoot, '.data', 'private-'));
    expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
    clone = path.join(privateDir, 'relance');
    await mkdir(clone);
    // What a clone of this working tree holds: tracked and new files, nothing git ignores.
    execFileSync('bash', ['-c', `git ls-files -co --exclude-standard -z | tar --null -cf - -T - | tar -xf - -C "${clone}"`], { cwd: projectRoot });
    execFileSync('cp', ['-al', path.join(projectRoot, 'node_modules'), path.join(clone, 'node_modules')]);
    const [api, temporal, temporalUi, postgres, smtp, sdkMetrics] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    env = {
      PORT: String(api),
      EMBEDDED_TEMPORAL_PORT: String(temporal),
      EMBEDDED_TEMPORAL_UI_PORT: String(temporalUi),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      EMBEDDED_SMTP_PORT: String(smtp),
      TEMPORAL_SDK_METRICS_ADDRESS: `127.0.0.1:${sdkMetrics}`,
      // The CLI this run already provisioned; the clone would otherwise fetch its own from PyPI.
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
    };
  }, 180_000);

  afterAll(async () => {
    if (privateDir !== undefined) await rm(privateDir, { recursive: true, force: true });
    // On a root shell the cluster lived outside the clone; it belongs to this test alone.
    if (relocatedCluster !== undefined) await rm(path.dirname(relocatedCluster), { recursive: true, force: true });
  });

  it('serves /health, then stops everything on Ctrl-C', async () => {
    const started = npmStart(clone, env);
    try {
      await waitFor(started, /ready in [\d.]+ s/, 150_000);
      const dataLine = /PostgreSQL on 127\.0\.0\.1:\d+, data in (\S+)/.exec(started.output());
      expect(dataLine, started.output()).not.toBeNull();
      if (path.isAbsolute(dataLine![1]!)) relocatedCluster = dataLine![1]!;
      if (process.getuid?.() === 0) {
        // The postgres user cannot enter the clone, so its cluster must have moved where it can.
        expect(relocatedCluster).toMatch(/^\/var\/lib\/relance\/clusters\//);
      }

      const health = await fetch(`http://127.0.0.1:${env['PORT']}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
    } finally {
      process.kill(-started.child.pid!, 'SIGINT');
    }
    // npm itself dies of the SIGINT, as it does at a terminal; the engine stops in order behind it.
    await started.exited;
    // Every embedded service stopped with it: PostgreSQL's and Temporal's ports come free again.
    for (const port of [env['EMBEDDED_POSTGRES_PORT'], env['EMBEDDED_TEMPORAL_PORT'], env['PORT']]) await waitUntilFree(Number(port), 30_000);
    expect(started.output()).toContain('relance: stopping');
    expect(started.output()).not.toMatch(/Unhandled|uncaught|EACCES|while stopping/i);
  }, 200_000);

  it('says in one line what failed and what to do when the API port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(Number(env['PORT']), '127.0.0.1', resolve));
    try {
      const started = npmStart(clone, env);
      const code = await started.exited;
      expect(code).toBe(1);
      const failures = started.output().split('\n').filter((line) => line.startsWith('relance: could not start:'));
      expect(failures).toEqual([expect.stringMatching(new RegExp(`^relance: could not start: api: could not listen on 127\\.0\\.0\\.1:${env['PORT']}: its port is taken .*; stop what uses it, or set PORT$`))]);
      expect(started.output()).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 200_000);
});
