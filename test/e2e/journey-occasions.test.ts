import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJourneyScheduler } from '../../orchestration/journey-schedules.js';
import { journeyScheduleId, journeyWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

/** 9:00 in Paris on 26 December, the next one from `now`: what the end-of-year template's cron names. */
function nextBoxingDayMorning(now: Date): string {
  for (let year = now.getUTCFullYear(); ; year += 1) {
    // Paris is UTC+1 in December.
    const tick = new Date(Date.UTC(year, 11, 26, 8, 0, 0));
    if (tick > now) return tick.toISOString();
  }
}

describe('calendar occasions: a journey entered on a cron, through a Temporal Schedule', () => {
  let engine: RunningEngine;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });
  let customer: string;
  let lead: string;

  async function contact(name: string, stage: string): Promise<string> {
    const response = await engine.post('/v1/identify', { type: 'identify', userId: name, messageId: `identify-${name}`, traits: { email: `${name}@example.com`, firstName: name } });
    expect(response.status).toBe(200);
    const id = response.body.contactId as string;
    // An offer is marketing: only to those who said yes to promotions.
    expect((await engine.put(`/v1/contacts/${id}/subscriptions`, { topics: { promotions: 'subscribed' } })).status).toBe(200);
    // The stage a purchase history would have given them; how it is reached is not what this test is about.
    await engine.database.db.updateTable('contacts').set({ stage }).where('id', '=', id).execute();
    return id;
  }

  const schedule = (journeyId: string) => engine.temporal.client.schedule.getHandle(journeyScheduleId(journeyId));

  /** Fires the schedule now (as its calendar would) and waits for the tick's workflow to finish paging the cohort. */
  async function tick(journeyId: string): Promise<{ enqueued: number }> {
    const handle = schedule(journeyId);
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger();
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const actions = (await handle.describe()).info.recentActions;
      if (actions.length > before) {
        const started = actions.at(-1)!.action.workflow;
        return engine.temporal.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`schedule of ${journeyId} did not fire`);
  }

  const offersTo = (address: string) => engine.smtp.messages().filter((mail) => mail.to.includes(address) && mail.subject.startsWith('Our end-of-year sale'));

  beforeAll(async () => {
    engine = await startEngine();
    customer = await contact('colette', 'customer');
    lead = await contact('leon', 'lead');
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('refuses a calendar that is not a five-field cron or a zone that does not exist, naming the field', async () => {
    const templates = await engine.get('/v1/journey-templates', admin());
    expect(templates.status).toBe(200);
    const definition = templates.body.templates.find((template: { name: string }) => template.name === 'end-of-year').definition;
    const badDay = await engine.post('/v1/journeys', { definition: { ...definition, id: 'bad-day', entry: { ...definition.entry, cron: '0 9 32 12 *' } } }, admin());
    expect(badDay.status).toBe(400);
    expect(JSON.stringify(badDay.body.issues)).toContain('day of month: \\"32\\" is not between 1 and 31');
    const badZone = await engine.post('/v1/journeys', { definition: { ...definition, id: 'bad-zone', entry: { ...definition.entry, timezone: 'Europe/Atlantis' } } }, admin());
    expect(badZone.status).toBe(400);
    expect(JSON.stringify(badZone.body.issues)).toContain('an IANA zone');
  });

  it('publishing the end-of-year template creates its schedule: next tick on 26 December at 9:00 Paris time', async () => {
    const copy = await engine.post('/v1/journeys', { fromTemplate: 'end-of-year', id: 'eoy', name: 'End of year' }, admin());
    expect(copy.status).toBe(201);
    await expect(schedule('eoy').describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await engine.post('/v1/journeys/eoy/publish', {}, admin())).status).toBe(200);

    const description = await schedule('eoy').describe();
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.state.paused).toBe(false);
    expect(description.info.nextActionTimes[0]?.toISOString()).toBe(nextBoxingDayMorning(new Date()));
  });

  it('a tick enters the customers (not the lead), each gets a coupon of their own, and next year they get another', async () => {
    expect(await tick('eoy')).toEqual({ enqueued: 1 });
    const [first] = await engine.smtp.waitFor((mail) => mail.to.includes('colette@example.com') && mail.subject.startsWith('Our end-of-year sale'));
    const code = /<strong>([A-Z0-9-]+)<\/strong>/.exec(first!.html)?.[1];
    expect(code).toMatch(/^[A-Z0-9-]{6,}$/);

    // The run ends after the e-mail; the following year's tick is a new cause, so the contact enters again.
    await expect.poll(async () => (await engine.database.db.selectFrom('journey_runs').select('status').where('journey_id', '=', 'eoy').execute()).map((run) => run.status), { timeout: 20_000 }).toEqual(['completed']);
    // The row says completed once the last visit is written, a moment before the workflow closes; a
    // tick in between finds the run still there (a year later, it never does).
    await expect.poll(async () => (await engine.temporal.client.workflow.getHandle(journeyWorkflowId('eoy', customer)).describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
    expect(await tick('eoy')).toEqual({ enqueued: 1 });
    const [, second] = await engine.smtp.waitFor((mail) => mail.to.includes('colette@example.com') && mail.subject.startsWith('Our end-of-year sale'), { count: 2 });
    expect(/<strong>([A-Z0-9-]+)<\/strong>/.exec(second!.html)?.[1]).not.toBe(code);

    const entries = await engine.database.db.selectFrom('journey_entries').select(['contact_id', 'cause']).where('journey_id', '=', 'eoy').execute();
    expect(entries.map((entry) => entry.contact_id)).toEqual([customer, customer]);
    expect(new Set(entries.map((entry) => entry.cause)).size).toBe(2);
    expect(offersTo('leon@example.com')).toEqual([]);
    expect(lead).not.toBe(customer);
  });

  it('a tick handed over twice (a retried page) enters nobody twice', async () => {
    const [entry] = await engine.database.db.selectFrom('journey_entries').select('cause').where('journey_id', '=', 'eoy').execute();
    const tickId = entry!.cause.slice('schedule:'.length).split('/')[0];
    await engine.database.db.insertInto('orchestration_outbox').values({ kind: 'scheduled_entry', payload: JSON.stringify({ kind: 'scheduled_entry', journeyId: 'eoy', contactId: customer, tick: tickId }) }).execute();
    await expect.poll(async () => (await engine.database.db.selectFrom('orchestration_outbox').select('id').where('dispatched_at', 'is', null).execute()).length, { timeout: 20_000 }).toBe(0);
    expect((await engine.database.db.selectFrom('journey_entries').select('cause').where('journey_id', '=', 'eoy').execute()).length).toBe(2);
    expect(offersTo('colette@example.com')).toHaveLength(2);
  });

  it('pausing the journey pauses its schedule, and a tick then enters no one; resuming resumes it', async () => {
    expect((await engine.post('/v1/journeys/eoy/pause', {}, admin())).status).toBe(200);
    expect((await schedule('eoy').describe()).state.paused).toBe(true);
    expect(await tick('eoy')).toEqual({ enqueued: 0 });
    expect((await engine.post('/v1/journeys/eoy/resume', {}, admin())).status).toBe(200);
    expect((await schedule('eoy').describe()).state.paused).toBe(false);
  });

  it('archiving deletes the schedule, and start-up synchronisation removes the schedule of a journey that has none', async () => {
    expect((await engine.post('/v1/journeys/eoy/archive', {}, admin())).status).toBe(200);
    await expect(schedule('eoy').describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    // A schedule left behind (its journey archived while no API ran) and a scheduled journey without one.
    await engine.temporal.client.schedule.create({
      scheduleId: journeyScheduleId('gone'),
      spec: { cronExpressions: ['0 9 1 1 *'] },
      action: { type: 'startWorkflow', workflowType: 'journeyScheduleTickWorkflow', taskQueue: 'relance-e2e', args: [{ journeyId: 'gone' }] },
    });
    await engine.post('/v1/journeys', { fromTemplate: 'mothers-day', id: 'mum' }, admin());
    expect((await engine.post('/v1/journeys/mum/publish', {}, admin())).status).toBe(200);
    await schedule('mum').delete();

    await createJourneyScheduler({ db: engine.database.db, temporal: engine.temporal.client, taskQueue: 'relance-e2e' }).syncAll();
    await expect(schedule('gone').describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const mothersDay = await schedule('mum').describe();
    // Temporal's cron requires the day of month and the day of week both: the first Sunday of May, a week before Mother's Day.
    const next = mothersDay.info.nextActionTimes[0]!;
    expect(next.getUTCMonth()).toBe(4);
    expect(next.getUTCDay()).toBe(0);
    expect(next.getUTCDate()).toBeLessThanOrEqual(7);
  });
});
