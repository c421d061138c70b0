// A crowd entering a journey together (here a calendar tick reaching every customer) runs as one
// cohort workflow, and nothing a marketer or a contact does may tell the difference: each contact
// gets its e-mail once, its own events move only its own run, and stopping, pausing or erasing
// reaches exactly the runs it names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHORT_MINIMUM } from '../../orchestration/journey-router.js';
import { journeyScheduleId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

const CROWD = COHORT_MINIMUM + 2;

describe('a crowd entering a journey together runs as a cohort', () => {
  let engine: RunningEngine;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });
  const contacts: string[] = [];
  const name = (index: number) => `crowd${index}`;
  const mailsTo = (index: number) => engine.smtp.messages().filter((mail) => mail.to.includes(`${name(index)}@example.com`));
  const runs = () =>
    engine.database.db.selectFrom('journey_runs').select(['id', 'contact_id', 'status', 'current_node', 'cohort_id']).where('journey_id', '=', 'crowd').orderBy('contact_id').execute();
  const runOf = async (index: number) => (await runs()).find((run) => run.contact_id === contacts[index]);

  beforeAll(async () => {
    engine = await startEngine();
    for (let index = 0; index < CROWD; index += 1) {
      const response = await engine.post('/v1/identify', { type: 'identify', userId: name(index), messageId: `crowd-identify-${index}`, traits: { email: `${name(index)}@example.com`, firstName: name(index) } });
      expect(response.status).toBe(200);
      const id = response.body.contactId as string;
      expect((await engine.put(`/v1/contacts/${id}/subscriptions`, { topics: { product_news: 'subscribed' } })).status).toBe(200);
      await engine.database.db.updateTable('contacts').set({ stage: 'customer' }).where('id', '=', id).execute();
      contacts.push(id);
    }
    const definition = {
      schemaVersion: 1,
      id: 'crowd',
      name: 'Crowd',
      entry: { kind: 'schedule', cron: '0 9 * * 1', timezone: 'Europe/Paris', stages: ['customer'] },
      start: 'news',
      nodes: {
        news: { type: 'send_email', template: 'product-news', topic: 'product_news', next: 'buy' },
        buy: { type: 'wait_for_event', event: 'purchase', timeout: '7 days', next: 'thanks', onTimeout: 'done' },
        thanks: { type: 'exit' },
        done: { type: 'exit' },
      },
    };
    expect((await engine.post('/v1/journeys', { definition }, admin())).status).toBe(201);
    expect((await engine.post('/v1/journeys/crowd/publish', {}, admin())).status).toBe(200);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('enters everyone in one cohort workflow: one e-mail each, one row each, reached through the cohort', async () => {
    const schedule = engine.temporal.client.schedule.getHandle(journeyScheduleId('crowd'));
    await schedule.trigger();
    await engine.smtp.waitFor((mail) => mail.subject.endsWith('three guides picked for you'), { count: CROWD, timeoutMs: 40_000 });
    await expect.poll(async () => (await runs()).map((run) => run.current_node), { timeout: 20_000 }).toEqual(contacts.map(() => 'buy'));

    for (let index = 0; index < CROWD; index += 1) expect(mailsTo(index).map((mail) => mail.subject)).toEqual([`${name(index)}, three guides picked for you`]);
    const rows = await runs();
    expect(rows.map((run) => run.contact_id)).toEqual([...contacts].sort());
    const cohortIds = new Set(rows.map((run) => run.cohort_id));
    expect(cohortIds.size).toBe(1);
    const [cohortId] = [...cohortIds];
    expect(cohortId).toMatch(/^journey-cohort:crowd:v1:/);
    expect((await engine.temporal.client.workflow.getHandle(cohortId!).describe()).type).toBe('journeyCohortWorkflow');
  });

  it("a contact's purchase ends that contact's wait only", async () => {
    const track = await engine.post('/v1/track', { type: 'track', event: 'purchase', userId: name(0), messageId: 'crowd-purchase-0', properties: { total: 12 } });
    expect(track.status).toBe(200);
    await expect.poll(async () => (await runOf(0))?.status, { timeout: 20_000 }).toBe('completed');
    const visits = await engine.database.db.selectFrom('journey_node_visits').select(['node_id', 'outcome']).where('contact_id', '=', contacts[0]!).orderBy('id').execute();
    expect(visits.map((visit) => `${visit.node_id}:${visit.outcome}`)).toEqual(['news:entered', 'news:completed', 'buy:entered', 'buy:completed', 'thanks:entered', 'thanks:completed']);
    expect((await runs()).filter((run) => run.status === 'running')).toHaveLength(CROWD - 1);
  });

  it('stopping one contact, pausing the journey and erasing a contact reach exactly their runs', async () => {
    const stop = await engine.post(`/v1/journeys/crowd/contacts/${contacts[1]}/stop`, { reason: 'asked by sales' }, admin());
    expect(stop.status).toBe(200);
    expect(stop.body.stoppedRuns).toBe(1);
    await expect.poll(async () => (await runOf(1))?.status, { timeout: 20_000 }).toBe('stopped');

    const pause = await engine.post('/v1/journeys/crowd/pause', {}, admin());
    expect(pause.status).toBe(200);
    expect(pause.body.signalledRuns).toBe(CROWD - 2);
    await expect.poll(async () => (await runs()).filter((run) => run.status === 'paused').length, { timeout: 20_000 }).toBe(CROWD - 2);

    const erased = await engine.delete(`/v1/contacts/${contacts[2]}`);
    expect(erased.status).toBe(200);
    expect(erased.body.workflowsStopped).toBeGreaterThanOrEqual(1);
    expect(await runOf(2)).toBeUndefined();

    const statuses = (await runs()).map((run) => run.status).sort();
    expect(statuses).toEqual(['completed', 'stopped', ...Array.from({ length: CROWD - 3 }, () => 'paused')].sort());
    // Nobody got a second e-mail along the way.
    for (let index = 0; index < CROWD; index += 1) if (index !== 2) expect(mailsTo(index)).toHaveLength(1);
  });
});
