import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function runProcess(entry: string, env: Record<string, string>) {
  return spawnSync(tsx, [entry], { cwd: root, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('process start-up configuration', () => {
  it('stops the API on a bad PORT with a message naming PORT', () => {
    const result = runProcess('api/main.ts', { PORT: 'abc', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Invalid configuration: PORT: /);
  });

  it('stops the standalone worker without DATABASE_URL, saying why', () => {
    const result = runProcess('worker/main.ts', { TEMPORAL_ADDRESS: '127.0.0.1:1', SMTP_URL: 'smtp://127.0.0.1:1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL: required');
  });
});
