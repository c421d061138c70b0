import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

// The console's static build (console/dist, git-ignored). `npm start` and the test setup call
// ensureConsoleBuilt, so a fresh clone serves /console/ with the README's two commands and an edit
// to the console's sources is picked up by the next start; `npm run build:console` forces a build.

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_ROOT = path.join(PROJECT_ROOT, 'console');
const BUILT_INDEX = path.join(CONSOLE_ROOT, 'dist', 'index.html');

async function newestChange(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(target);
  const times = await Promise.all(entries.filter((entry) => entry !== 'dist' && entry !== 'node_modules').map((entry) => newestChange(path.join(target, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether console/dist is missing or older than a source of the console or the domain schemas its forms import. */
export async function consoleBuildIsStale(): Promise<boolean> {
  const built = await stat(BUILT_INDEX).then(
    (info) => info.mtimeMs,
    () => undefined,
  );
  if (built === undefined) return true;
  const sources = await Promise.all([newestChange(CONSOLE_ROOT), newestChange(path.join(PROJECT_ROOT, 'domain'))]);
  return Math.max(...sources) > built;
}

export async function buildConsole(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  // A child process with NODE_ENV=production: Vite bundles React's development build whenever the
  // calling process has another NODE_ENV (vitest sets "test"), half again as large and slower.
  const vite = path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--config', path.join(CONSOLE_ROOT, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: CONSOLE_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  log(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s (console/dist)`);
}

export async function ensureConsoleBuilt(log: (line: string) => void): Promise<void> {
  if (await consoleBuildIsStale()) await buildConsole(log);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole((line) => console.log(`relance: ${line}`));
}
