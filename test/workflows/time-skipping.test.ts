import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import type { relayAfterDaysWorkflow } from './fixtures/relay.workflow.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('time-skipping test server (provisioned by the project)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnvironment();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 3 days', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowBundle: await bundleWorkflows(fileURLToPath(new URL('./fixtures/relay.workflow.ts', import.meta.url))),
    });
    const serverTimeBefore = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof relayAfterDaysWorkflow>('relayAfterDaysWorkflow', {
        taskQueue: 'time-skipping',
        workflowId: 'relay-3-days',
        args: [3],
      }),
    );
    // The workflow's own clock moved three days; the server's clock with it.
    expect(result.finishedAt - result.startedAt).toBeGreaterThanOrEqual(3 * DAY_MS);
    expect(result.finishedAt - result.startedAt).toBeLessThan(3 * DAY_MS + 60_000);
    expect((await env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(3 * DAY_MS);
  });
});
