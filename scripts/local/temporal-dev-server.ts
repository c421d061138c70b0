import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { isAlive, waitForExit } from './processes.js';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

function lastLine(output: string): string {
  return output.trim().split('\n').at(-1)?.trim() || 'no output';
}

/**
 * Temporal's dev server (SQLite in .data/, Web UI) as a child process. Its pid is written beside its
 * database so a run killed with -9 does not leave a server that blocks the next start.
 */
export async function startTemporalDevServer(options: {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  log: (line: string) => void;
}): Promise<TemporalDevServer> {
  await mkdir(options.dataDir, { recursive: true });
  const pidFile = path.join(options.dataDir, 'temporal.pid');
  if (existsSync(pidFile)) {
    const leftover = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
    if (Number.isInteger(leftover) && isAlive(leftover)) {
      options.log(`temporal: stopping a dev server left running by an earlier run (pid ${leftover})`);
      process.kill(leftover, 'SIGTERM');
      await waitForExit(leftover, 10_000);
    }
  }

  const address = `127.0.0.1:${options.port}`;
  const child = spawn(
    options.cliPath,
    [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--namespace', options.namespace,
      '--db-filename', path.join(options.dataDir, 'temporal.sqlite'),
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  if (child.pid !== undefined) await writeFile(pidFile, String(child.pid));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 250))]);
    if (early !== 'running') {
      throw new Error(`the dev server exited with code ${early}: ${lastLine(stderr)}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.describeNamespace({ namespace: options.namespace });
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the dev server did not answer within 60 s (${String(error)}): ${lastLine(stderr)}`);
      }
    }
  }

  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(pidFile, { force: true });
    },
  };
}
