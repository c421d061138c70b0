import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function lintWorkflow(source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: 'workflows/example.workflow.ts' });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? ''}: ${message.message}`);
}

describe('workflow determinism lint', () => {
  it.each([
    ["import pg from 'pg';"],
    ["import { Kysely } from 'kysely';"],
    ["import nodemailer from 'nodemailer';"],
    ["import mjml from 'mjml';"],
    ["import { readFile } from 'node:fs/promises';"],
    ["import crypto from 'crypto';"],
    ["import { createDb } from '../db/connection.js';"],
    ["import { buildApp } from '../api/app.js';"],
    ["import { createRelanceWorker } from '../worker/worker.js';"],
    ["import { createActivities } from '../activities/index.js';"],
  ])('rejects %s in a workflow file', async (importLine) => {
    const messages = await lintWorkflow(`${importLine}\nexport const used = [${importLine.match(/import (?:\{ )?(\w+)/)?.[1]}];\n`);
    expect(messages.some((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('accepts the imports a workflow is allowed', async () => {
    const messages = await lintWorkflow(
      [
        "import { proxyActivities } from '@temporalio/workflow';",
        "import type { Activities } from '../activities/index.js';",
        "import { TrackEvent } from '../domain/events.js';",
        'export const acts = proxyActivities<Activities>({ startToCloseTimeout: 1000 });',
        'export const schema = TrackEvent;',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });

  it('does not restrict the same imports outside workflows/', async () => {
    const [result] = await eslint.lintText("import pg from 'pg';\nexport const used = pg;\n", { filePath: 'activities/example.ts' });
    expect(result?.messages).toEqual([]);
  });
});

describe('layering lint', () => {
  async function restricted(filePath: string, importLine: string): Promise<boolean> {
    const [result] = await eslint.lintText(`${importLine}\nexport const used = [${importLine.match(/import (?:\{ )?(\w+)/)?.[1]}];\n`, { filePath });
    return (result?.messages ?? []).some((message) => message.ruleId === '@typescript-eslint/no-restricted-imports');
  }

  it.each([
    ['db/example.ts', "import { createOutboxDispatcher } from '../orchestration/orchestrator.js';"],
    ['db/example.ts', "import { createActivities } from '../activities/index.js';"],
    ['db/example.ts', "import { HttpError } from '../api/errors.js';"],
    ['activities/example.ts', "import { HttpError } from '../api/errors.js';"],
    ['orchestration/example.ts', "import { buildApp } from '../api/app.js';"],
    ['worker/example.ts', "import { buildApp } from '../api/app.js';"],
    ['workflows/example.workflow.ts', "import { createJourneyRouter } from '../orchestration/journey-router.js';"],
    ['domain/example.ts', "import { createJourneyRouter } from '../orchestration/journey-router.js';"],
    ['engine/example.ts', "import { buildApp } from '../api/app.js';"],
    ['engine/example.ts', "import { createRelanceWorker } from '../worker/worker.js';"],
    ['db/example.ts', "import { createEngine } from '../engine/engine.js';"],
    ['activities/example.ts', "import { createEngine } from '../engine/engine.js';"],
    ['orchestration/example.ts', "import { createEngine } from '../engine/engine.js';"],
    ['orchestration/example.ts', "import { HttpError } from '../api/errors.js';"],
    ['workflows/example.workflow.ts', "import { createEngine } from '../engine/engine.js';"],
    ['bench/example.ts', "import { startEngine } from '../test/helpers/engine.js';"],
    ['bench/example.ts', "import { setup } from '../test/setup/global-setup.js';"],
    ['test/unit/example.test.ts', "import { runConcurrent } from '../../bench/harness.js';"],
    ['test/support/example.ts', "import { createTestDatabase } from '../helpers/database.js';"],
    ['test/support/example.ts', "import { runConcurrent } from '../../bench/harness.js';"],
  ])('%s may not %s', async (filePath, importLine) => {
    expect(await restricted(filePath, importLine)).toBe(true);
  });

  it.each([
    ['api/example.ts', "import { createOutboxDispatcher } from '../orchestration/orchestrator.js';"],
    ['orchestration/example.ts', "import { createDb } from '../db/connection.js';"],
    ['scripts/example.ts', "import { buildApp } from '../api/app.js';"],
    ['engine/example.ts', "import { createActivities } from '../activities/index.js';"],
    ['engine/example.ts', "import { createOutboxDispatcher } from '../orchestration/orchestrator.js';"],
    ['api/example.ts', "import { createEngine } from '../engine/engine.js';"],
    ['worker/example.ts', "import { createEngine } from '../engine/engine.js';"],
    ['bench/example.ts', "import { provideTestPostgres } from '../test/support/postgres.js';"],
    ['test/helpers/example.ts', "import { engineConfig } from '../support/engine-config.js';"],
    ['test/support/example.ts', "import { createEngine } from '../../engine/engine.js';"],
  ])('%s may %s', async (filePath, importLine) => {
    expect(await restricted(filePath, importLine)).toBe(false);
  });
});
