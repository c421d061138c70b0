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
