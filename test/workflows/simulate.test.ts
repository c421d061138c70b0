import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, loadDefinition, parseArguments, simulate } from '../../scripts/simulate.js';
import { syntheticContacts, type SyntheticContact } from '../../domain/journeys/simulation.js';
import { simulatePerContact } from '../helpers/per-contact-simulation.js';
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

  it('finds a built-in journey by a word of its name, and names the templates when none fits', async () => {
    expect((await loadDefinition('nurture')).id).toBe('inbound-nurture');
    expect((await loadDefinition('abandoned-cart')).id).toBe('abandoned-cart');
    await expect(loadDefinition('nosuch')).rejects.toThrow(/^no journey template "nosuch" \(templates: abandoned-cart, birthday, .*inbound-nurture, .*satisfaction-follow-up.*\); or give a path to a journey \.json file$/);
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

/** One node of every type: a local-time delay, a split, a wait, a branch on the event's answer, effects. */
const everyNode = {
  schemaVersion: 1,
  id: 'every-node',
  name: 'Every node',
  entry: { kind: 'event', event: 'signed_up' },
  exits: [{ name: 'bought', outcome: 'goal', event: 'order_completed' }],
  start: 'hello',
  nodes: {
    hello: { type: 'send_email', template: 'welcome', next: 'morning' },
    morning: { type: 'delay', wait: { kind: 'time_of_day', at: '09:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }, next: 'split' },
    split: { type: 'random_split', branches: [{ weight: 1, next: 'listen' }, { weight: 1, next: 'pause' }] },
    listen: { type: 'wait_for_event', event: 'email_clicked', timeout: '2 days', next: 'check', onTimeout: 'later' },
    check: { type: 'branch', conditions: [{ when: [{ kind: 'last_event', path: 'properties.score', op: 'gte', value: 5 }], next: 'promote' }], default: 'tag' },
    promote: { type: 'set_stage', stage: 'mql', next: 'handoff' },
    handoff: { type: 'hand_off', reason: 'clicked high', next: 'done' },
    tag: { type: 'set_trait', trait: 'clicked_low', value: true, next: 'coupon' },
    coupon: { type: 'issue_coupon', discount: { kind: 'percent', percent: 5 }, validityDays: 3, next: 'notify' },
    notify: { type: 'webhook', url: 'https://partner.example/hook', next: 'done' },
    pause: { type: 'delay', wait: { kind: 'duration', duration: '31 hours' }, next: 'later' },
    later: { type: 'send_email', template: 'nurture-guide-1', next: 'bye' },
    bye: { type: 'exit' },
    done: { type: 'exit' },
  },
};

describe('the cohort dry run against one journeyWorkflow per contact', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  let directory: string;
  beforeAll(async () => {
    [env, bundle, directory] = await Promise.all([createTimeSkippingEnvironment(), bundleWorkflows(), mkdtemp(path.join(tmpdir(), 'relance-simulate-'))]);
    await writeFile(path.join(directory, 'every-node.json'), JSON.stringify(everyNode));
  });
  afterAll(async () => {
    await env?.teardown();
    await rm(directory, { recursive: true, force: true });
  });

  // With 5-hour steps no wait's deadline falls on a step, where the per-contact run would race its
  // own timer against the step's signals; each seed is one where no contact has two of its events
  // (entry included) in one step, where the per-contact run would race its own signals.
  it.each([
    { journey: 'inbound-nurture', seed: '7', eventProbability: '0.3', visits: ['qualify', 'keep_nurturing', 'guide_2'] },
    { journey: 'abandoned-cart', seed: '7', eventProbability: '0.3', visits: ['coupon_reminder'] },
    { journey: 'every-node', seed: '7', eventProbability: '0.5', visits: ['promote → handoff', 'tag → coupon → notify', 'pause → later'] },
  ])('$journey: 60 contacts × 10 days give the same paths, outcomes and e-mails per day', async ({ journey, seed, eventProbability, visits }) => {
    const source = journey === 'every-node' ? path.join(directory, 'every-node.json') : journey;
    const args = parseArguments([source, '--contacts', '60', '--days', '10', '--seed', seed, '--event-probability', eventProbability, '--step-hours', '5']);
    const definition = await loadDefinition(source);
    const stepMs = args.stepHours * 3_600_000;
    const stepsApart = (contact: SyntheticContact) => {
      const steps = [contact.entry, ...contact.events].map((event) => Math.floor(event.atMs / stepMs));
      return new Set(steps).size === steps.length;
    };
    expect(syntheticContacts(definition, args, 0).every(stepsApart)).toBe(true);

    // The same start: a local-time delay ends at a different offset on another day of the week.
    const { startMs, summary: perContact } = await simulatePerContact(definition, args, env, bundle);
    const cohorts = await simulate(args, { env, bundle, startMs, cohortSize: 25, progress: () => undefined });
    expect(cohorts).toEqual(perContact);
    // Not a vacuous match: contacts went through the nodes named, to different ends.
    const taken = cohorts.paths.map((line) => line.path).join('\n');
    for (const stretch of visits) expect(taken).toContain(stretch);
    expect(Object.values(cohorts.outcomes).filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);
    // 60 per-contact workflows through ten skipped days take 7 s alone and over 60 s beside another
    // file's Temporal server on two cores: the bound is for a hang, not for speed.
  }, 240_000);
});
