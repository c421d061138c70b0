// A crowd entering a journey together runs as one cohort workflow: each member must still see what a
// run of its own would give it — its e-mails once each, its consent checked right before its send,
// its own path, signals meant for it alone — while the cohort batches visits and e-mails.
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSubscriptions } from '../../db/consent.repository.js';
import { journeyCohortMemberSignal, type JourneyCohortInput, type JourneyRunCommand } from '../../workflows/journey-cohort.contract.js';
import type { journeyCohortWorkflow } from '../../workflows/journey-cohort.workflow.js';
import { cohortMemberRunId, journeyWorkflowId } from '../../workflows/ids.js';
import { journey, pathOf, startJourneyHarness, type JourneyHarness } from './journey-harness.js';

const TASK_QUEUE = 'journey-cohort';

describe('journey cohorts', () => {
  let h: JourneyHarness;
  beforeAll(async () => {
    h = await startJourneyHarness(TASK_QUEUE);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const nurture = journey({
    schemaVersion: 1,
    id: 'cohort-nurture',
    name: 'Cohort nurture',
    entry: { kind: 'event', event: 'form_submitted' },
    start: 'news',
    nodes: {
      news: { type: 'send_email', template: 'product-news', next: 'later' },
      later: { type: 'delay', wait: { kind: 'duration', duration: '1 day' }, next: 'buy' },
      buy: { type: 'wait_for_event', event: 'purchase', timeout: '2 days', next: 'thanks', onTimeout: 'nudge' },
      thanks: { type: 'exit' },
      nudge: { type: 'send_email', template: 'product-news', next: 'done' },
      done: { type: 'exit' },
    },
  });

  const startCohort = (input: JourneyCohortInput, id: string) =>
    h.env.client.workflow.start<typeof journeyCohortWorkflow>('journeyCohortWorkflow', { taskQueue: TASK_QUEUE, workflowId: id, args: [input] });
  const tell = (handle: WorkflowHandle, memberId: string, command: JourneyRunCommand) => handle.signal(journeyCohortMemberSignal, { memberId, command });
  const visitsUntil = async (workflowId: string, count: number) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const visits = await h.visits(workflowId);
      if (visits.length >= count) return visits;
      if (Date.now() > deadline) throw new Error(`${workflowId}: ${visits.length} of ${count} visits: ${JSON.stringify(pathOf(visits))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  it('runs each member its own way: consent checked before each send, signals for one member alone, one timer for the crowd', async () => {
    const names = ['ana', 'bo', 'cy', 'di', 'ed', 'flo'];
    const contacts = await Promise.all(names.map((name) => h.contact(`cohort-${name}`, { email: `${name}@cohort.example`, firstName: name })));
    // cy unsubscribed from the topic before the send node ran.
    await setSubscriptions(h.database.db, contacts[2]!, [{ topic: 'product_news', status: 'unsubscribed' }], 'test', new Date());
    const memberId = (index: number) => journeyWorkflowId(nurture.id, contacts[index]!);
    const handle = await startCohort({ journeyId: nurture.id, version: 1, definition: nurture, members: contacts.map((contactId) => ({ contactId })) }, 'cohort:nurture:1');

    for (const [index] of names.entries()) await visitsUntil(memberId(index), 3);
    for (const name of names) expect(h.mailsTo(`${name}@cohort.example`), name).toHaveLength(name === 'cy' ? 0 : 1);
    expect(pathOf(await h.visits(memberId(2)))).toEqual(['news:entered', 'news:skipped', 'later:entered']);

    // Each member has its own run row, reached through the cohort.
    const runs = await Promise.all(contacts.map((_, index) => h.run(memberId(index))));
    runs.forEach((run, index) =>
      expect(run).toMatchObject({ run_id: cohortMemberRunId(handle.firstExecutionRunId, index), cohort_id: 'cohort:nurture:1', status: 'running', current_node: 'later' }),
    );

    // ana buys during the delay (her wait sees it), di is stopped, ed pauses; nobody else hears of it.
    await h.env.sleep('2 hours');
    const purchase = await h.track('cohort-ana', 'purchase', { total: 42 });
    await tell(handle, memberId(0), { kind: 'event', event: purchase });
    await tell(handle, memberId(3), { kind: 'stop', reason: 'asked by sales' });
    await tell(handle, memberId(4), { kind: 'pause' });
    await visitsUntil(memberId(3), 4);
    expect((await h.run(memberId(4))).status).toBe('paused');

    await h.env.sleep('1 day');
    // ana's wait took the purchase that came during her delay.
    expect(pathOf(await visitsUntil(memberId(0), 8))).toEqual(['news:entered', 'news:completed', 'later:entered', 'later:completed', 'buy:entered', 'buy:completed', 'thanks:entered', 'thanks:completed']);
    await tell(handle, memberId(4), { kind: 'resume' });
    await visitsUntil(memberId(4), 5);

    await h.env.sleep('2 days');
    const result = await h.result<typeof journeyCohortWorkflow>(handle);
    expect(result).toEqual({ members: 6, ended: { completed: 5, stopped: 1 }, graduated: 0, failed: 0 });

    expect(pathOf(await h.visits(memberId(1)))).toEqual(['news:entered', 'news:completed', 'later:entered', 'later:completed', 'buy:entered', 'buy:timeout', 'nudge:entered', 'nudge:completed', 'done:entered', 'done:completed']);
    expect(pathOf(await h.visits(memberId(3)))).toEqual(['news:entered', 'news:completed', 'later:entered', 'later:stopped']);
    // ana bought: one e-mail; bo and ed (paused, then resumed) timed out: the nudge too; di was stopped.
    expect(names.map((name) => h.mailsTo(`${name}@cohort.example`).length)).toEqual([1, 2, 0, 1, 2, 2]);
    const ended = await h.database.db.selectFrom('journey_runs').select(['id', 'status']).where('journey_id', '=', nurture.id).orderBy('id').execute();
    expect(Object.fromEntries(ended.map((run) => [run.id, run.status]))).toEqual(
      Object.fromEntries(contacts.map((_, index) => [memberId(index), index === 3 ? 'stopped' : 'completed'])),
    );

    // What the crowd cost Temporal: the moment they entered took one activity for the six visits and
    // one for the six e-mails; no e-mail needed sending alone; fewer timers than waits (one per member alone).
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((event) => {
      const attributes = event.activityTaskScheduledEventAttributes;
      return attributes == null ? [] : [{ name: attributes.activityType?.name, input: defaultPayloadConverter.fromPayload<unknown>(attributes.input!.payloads![0]!) }];
    });
    expect(scheduled[0]).toMatchObject({ name: 'recordJourneyVisitBatch', input: { cohortId: 'cohort:nurture:1', visits: expect.arrayContaining([]) } });
    expect((scheduled[0]!.input as { visits: unknown[] }).visits).toHaveLength(6);
    expect(scheduled[1]!.name).toBe('sendEmails');
    expect(scheduled[1]!.input).toHaveLength(6);
    expect(scheduled.filter(({ name }) => name === 'sendEmail')).toEqual([]);
    const waits = (await h.database.db.selectFrom('journey_node_visits').select('id').where('journey_id', '=', nurture.id).where('node_id', 'in', ['later', 'buy']).where('outcome', '=', 'entered').execute()).length;
    expect(events.filter((event) => event.timerStartedEventAttributes != null).length).toBeLessThan(waits);
  });

  it('lets a member leave for a workflow of its own when its run grows long, with its row, its causes and its signals', async () => {
    const contacts = await Promise.all(['gil', 'hal'].map((name) => h.contact(`cohort-${name}`, { email: `${name}@cohort.example`, firstName: name })));
    const memberId = (index: number) => journeyWorkflowId(nurture.id, contacts[index]!);
    const handle = await startCohort(
      { journeyId: nurture.id, version: 1, definition: nurture, members: contacts.map((contactId) => ({ contactId })), maxNodesPerExecution: 2 },
      'cohort:nurture:2',
    );
    // Two nodes in the cohort (the e-mail, the delay), then each member continues in journeyWorkflow.
    await h.env.sleep('1 day');
    const own = h.env.client.workflow.getHandle(memberId(0));
    const deadline = Date.now() + 20_000;
    while ((await own.describe().catch(() => undefined))?.type !== 'journeyWorkflow') {
      if (Date.now() > deadline) throw new Error('the member never got a workflow of its own');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await h.result<typeof journeyCohortWorkflow>(handle)).toEqual({ members: 2, ended: {}, graduated: 2, failed: 0 });
    await visitsUntil(memberId(0), 5);

    // The run row is the same one (the cohort's run id), now reached directly.
    const row = await h.run(memberId(0));
    expect(row).toMatchObject({ run_id: cohortMemberRunId(handle.firstExecutionRunId, 0), cohort_id: null });
    const purchase = await h.track('cohort-gil', 'purchase', {});
    await h.signal(own, purchase);
    await h.env.sleep('3 days');
    expect(pathOf(await visitsUntil(memberId(0), 8))).toEqual(['news:entered', 'news:completed', 'later:entered', 'later:completed', 'buy:entered', 'buy:completed', 'thanks:entered', 'thanks:completed']);
    await visitsUntil(memberId(1), 10);
    expect(h.mailsTo('gil@cohort.example')).toHaveLength(1);
    expect(h.mailsTo('hal@cohort.example')).toHaveLength(2);
    expect((await h.database.db.selectFrom('journey_runs').select('status').where('id', 'in', [memberId(0), memberId(1)]).execute()).map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('ends a member whose step cannot succeed and goes on with the others', async () => {
    const present = await h.contact('cohort-ida', { email: 'ida@cohort.example', firstName: 'ida' });
    const handle = await startCohort(
      { journeyId: nurture.id, version: 1, definition: nurture, members: [{ contactId: present }, { contactId: '00000000-0000-4000-8000-00000000dead' }] },
      'cohort:nurture:3',
    );
    await visitsUntil(journeyWorkflowId(nurture.id, present), 3);
    await h.env.sleep('3 days');
    expect(await h.result<typeof journeyCohortWorkflow>(handle)).toEqual({ members: 2, ended: { completed: 1 }, graduated: 0, failed: 1 });
    expect(h.mailsTo('ida@cohort.example')).toHaveLength(2);
  });
});
