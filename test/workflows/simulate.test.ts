import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, parseArguments, simulate } from '../../scripts/simulate.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';

/** A welcome, then a two-day wait for a click: a click is the goal, silence gets one reminder. */
const nudge = {
  schemaVersion: 1,
  id: 'nudge',
  name: 'Nudge',
  entry: { kind: 'event', event: 'signed_up' },
  exits: [{ name: 'bought', outcome: 'goal', event: 'order_completed' }],
  start: 'hello',
  nodes: {
    hello: { type: 'send_email', template: 'welcome', next: 'listen' },
    listen: { type: 'wait_for_event', event: 'email_clicked', timeout: '2 days', next: 'thanks', onTimeout: 'remind' },
    thanks: { type: 'exit' },
    remind: { type: 'send_email', template: 'welcome', next: 'done' },
    done: { type: 'exit' },
  },
};

describe('dry run of a journey on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  let directory: string;
  let file: string;
  beforeAll(async () => {
    [env, bundle, directory] = await Promise.all([createTimeSkippingEnvironment(), bundleWorkflows(), mkdtemp(path.join(tmpdir(), 'relance-simulate-'))]);
    file = path.join(directory, 'nudge.json');
    await writeFile(file, JSON.stringify(nudge));
  });
  afterAll(async () => {
    await env?.teardown();
    await rm(directory, { recursive: true, force: true });
  });

  it('with nobody acting, every contact gets the welcome on entry and the reminder two days later', async () => {
    const progress: string[] = [];
    const args = parseArguments([file, '--contacts', '12', '--days', '4', '--entry-days', '1', '--event-probability', '0', '--step-hours', '6']);
    const summary = await simulate(args, { env, bundle, progress: (line) => progress.push(line) });
    expect(summary.paths).toEqual([{ path: 'hello → listen → remind → done', contacts: 12 }]);
    expect(summary.outcomes).toEqual({ running: 0, completed: 12 });
    expect(summary.emailsByTemplate).toEqual({ welcome: 24 });
    // Entries fall on the first day, so the reminders fall two days later, on the third.
    expect(summary.emailsPerDay).toEqual([12, 0, 12, 0]);
    expect(progress.join('')).toContain('day 4/4');
    expect(formatSummary('nudge', summary, 1000)).toContain('     12  hello → listen → remind → done');
  });

  it('with everyone acting, clicks and orders end runs before the reminder, and the counts add up', async () => {
    const args = parseArguments([file, '--contacts', '30', '--days', '5', '--entry-days', '1', '--event-probability', '1', '--seed', '3', '--step-hours', '6']);
    const summary = await simulate(args, { env, bundle, progress: () => undefined });
    expect(summary.paths.reduce((sum, path) => sum + path.contacts, 0)).toBe(30);
    expect(Object.values(summary.outcomes).reduce((sum, count) => sum + count, 0)).toBe(30);
    expect(summary.outcomes['exited_goal'] ?? 0).toBeGreaterThan(0);
    expect(summary.paths.map((path) => path.path)).toContain('hello → listen → thanks');
    // Everyone got the welcome; only those who neither clicked nor ordered within two days got the reminder.
    expect(summary.emailsByTemplate['welcome']).toBeLessThan(60);
    expect(summary.emailsByTemplate['welcome']).toBeGreaterThanOrEqual(30);
  });
});
