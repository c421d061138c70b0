// Replays every recorded history in test/replay/histories against the current workflow code: a change
// that would break a journey already running fails here, before it is deployed. Histories come from
// `npm run replay:record` (scripts/record-histories.ts), recorded BEFORE a workflow is changed.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type History, historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { HISTORIES_DIR, historyFileName, SCENARIOS } from '../../scripts/record-histories.js';
import * as servedWorkflows from '../../workflows/index.js';
import { bundleWorkflows } from '../helpers/temporal.js';


interface RecordedHistory {
  file: string;
  workflowType: string;
  history: History;
}

const fixture = (name: string) => fileURLToPath(new URL(`../replay/fixtures/${name}`, import.meta.url));

async function loadHistories(): Promise<RecordedHistory[]> {
  const files = (await readdir(HISTORIES_DIR)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history = historyFromJSON(JSON.parse(await readFile(path.join(HISTORIES_DIR, file), 'utf8')));
      const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (!workflowType) throw new Error(`${file}: the first event does not start a workflow execution`);
      return { file, workflowType, history };
    }),
  );
}

/** Replays each history (its file name standing in for the workflow id) and names the ones that fail. */
async function replay(bundle: WorkflowBundle, histories: RecordedHistory[]): Promise<{ file: string; error: unknown }[]> {
  const results: { file: string; error: unknown }[] = [];
  const inputs = histories.map(({ file, history }) => ({ workflowId: file, history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, inputs)) {
    results.push({ file: result.workflowId, error: result.error });
  }
  return results;
}

describe('replay of recorded histories', () => {
  let histories: RecordedHistory[];
  let current: WorkflowBundle;
  let changedWelcome: WorkflowBundle;
  let patchedWelcome: WorkflowBundle;

  beforeAll(async () => {
    // Each replay starts and stops a worker (lifecycle lines at INFO), and the guard's own test makes
    // core warn about the non-determinism it expects; failures the tests assert on reach the report anyway.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
    [histories, current, changedWelcome, patchedWelcome] = await Promise.all([
      loadHistories(),
      bundleWorkflows(),
      bundleWorkflows(fixture('changed-welcome.workflow.ts')),
      bundleWorkflows(fixture('patched-welcome.workflow.ts')),
    ]);
  });

  function recorded(file: string): RecordedHistory {
    const found = histories.find((h) => h.file === file);
    if (found === undefined) throw new Error(`${file} is missing from test/replay/histories: run npm run replay:record`);
    return found;
  }

  it('has a history for every scenario the recorder defines', () => {
    const files = histories.map((h) => h.file);
    for (const scenario of SCENARIOS) expect(files, 'run npm run replay:record').toContain(historyFileName(scenario));
  });

  it('covers every workflow type the worker serves', () => {
    const types = new Set(histories.map((h) => h.workflowType));
    const served = Object.keys(servedWorkflows);
    expect(served).toEqual(expect.arrayContaining(['welcomeWorkflow', 'rescoreWorkflow']));
    for (const type of served) expect([...types], `no recorded history of ${type}: run npm run replay:record`).toContain(type);
  });

  it('replays every recorded history against the current workflow code', async () => {
    expect(histories.length).toBeGreaterThan(0);
    const results = await replay(current, histories);
    expect(results.map(({ file, error }) => ({ file, error: error instanceof Error ? `${error.name}: ${error.message}` : error }))).toEqual(
      histories.map(({ file }) => ({ file, error: undefined })),
    );
  });

  describe('the guard itself', () => {
    it('rejects a welcome workflow changed without patched() as non-deterministic', async () => {
      const error = await Worker.runReplayHistory({ workflowBundle: changedWelcome }, recorded('welcomeWorkflow-sent.json').history).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(error).toBeInstanceOf(DeterminismViolationError);
      expect((error as Error).message).toMatch(/Nondeterminism error/);
    });

    it('accepts the same change behind patched()', async () => {
      const welcome = histories.filter((h) => h.workflowType === 'welcomeWorkflow');
      expect(welcome.map((h) => h.file)).toEqual(expect.arrayContaining(['welcomeWorkflow-sent.json', 'welcomeWorkflow-no-email-address.json']));
      const results = await replay(patchedWelcome, welcome);
      expect(results).toEqual(welcome.map(({ file }) => ({ file, error: undefined })));
    });
  });
});
