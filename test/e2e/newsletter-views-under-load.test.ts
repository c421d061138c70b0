import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatcherProcess } from '../helpers/catcher-process.js';
import { startBulkMailEngine, type BulkMailEngine } from '../helpers/bulk-mail-engine.js';
import type { RunningEngine } from '../helpers/engine.js';
import { cohortAudience, insertSubscribers } from '../support/subscribers.js';

// A newsletter's view asks its broadcast workflow for progress, and a query needs a worker's
// attention. A busy worker (or none) must not turn the marketer's screen into a 500: the recipients
// table holds the counts, and the view answers from it.

async function createNewsletter(engine: RunningEngine, cohort: string, schedule?: unknown): Promise<string> {
  const created = await engine.post('/v1/newsletters', { name: `${cohort} digest`, template: 'newsletter-digest', audience: cohortAudience(cohort), ...(schedule === undefined ? {} : { schedule }) }, { authorization: `Bearer ${engine.keys.admin}` });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe('newsletter views while the worker is busy', () => {
  let engine: RunningEngine;
  let catcher: CatcherProcess;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });

  let bulk: BulkMailEngine;
  beforeAll(async () => {
    bulk = await startBulkMailEngine();
    ({ engine, catcher } = bulk);
  });
  afterAll(async () => {
    await bulk?.stop();
  });

  it('answers every GET with 200 while 5,000 recipients and 5,000 welcome e-mails are queued', async () => {
    await insertSubscribers(engine.database.db, { cohort: 'busy', count: 5_000 });
    const id = await createNewsletter(engine, 'busy');

    // 5,000 sign-ups: each starts a welcome workflow, all queued on the same worker as the broadcast.
    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        return { type: 'track', event: 'form_submitted', anonymousId: `signup-${n}`, messageId: `signup-${n}`, properties: { email: `signup-${n}@example.com`, firstName: `Ada ${n}` } };
      });
      const stored = await engine.post('/v1/batch', { batch: events });
      expect(stored.status).toBe(200);
      expect(stored.body.stored).toBe(500);
    }

    const sent = await engine.post(`/v1/newsletters/${id}/send`, {}, admin());
    expect(sent.status).toBe(202);

    // Read as a marketer's screen does, every 100 ms, until the broadcast is done.
    const answers = new Map<number, number>();
    let unanswered = 0;
    let last: { status: string; counts: { sent: number; total: number }; progress: unknown } | undefined;
    const deadline = Date.now() + 240_000;
    while (last?.status !== 'completed') {
      expect(Date.now(), `still ${last?.status}: ${JSON.stringify(last?.counts)}`).toBeLessThan(deadline);
      const view = await engine.get(`/v1/newsletters/${id}`);
      answers.set(view.status, (answers.get(view.status) ?? 0) + 1);
      if (view.status === 200) {
        last = view.body;
        if (last!.status !== 'completed' && last!.progress === null) unanswered += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect([...answers.keys()]).toEqual([200]);
    expect(last!.counts).toMatchObject({ total: 5_000, sent: 5_000 });
    expect((await catcher.messages('busy-')).length).toBe(5_000);
    process.stderr.write(`newsletter views under load: ${answers.get(200)} GETs, all 200; ${unanswered} answered from the recipients table alone\n`);
  }, 300_000);

  it('answers GET, cancel and a repeated send without a worker to answer the progress query', async () => {
    await insertSubscribers(engine.database.db, { cohort: 'later', count: 10 });
    const id = await createNewsletter(engine, 'later', { kind: 'at', at: new Date(Date.now() + 3_600_000).toISOString() });
    const sent = await engine.post(`/v1/newsletters/${id}/send`, {}, admin());
    expect(sent.status).toBe(202);
    expect(sent.body.status).toBe('scheduled');
    // With the worker up, the workflow answers for itself: once its first task has run, which can wait
    // behind the welcome e-mails the test before left queued on a loaded machine.
    await expect.poll(async () => (await engine.get(`/v1/newsletters/${id}`)).body.progress, { timeout: 150_000 }).not.toBeNull();

    await engine.stopWorker();
    const view = await engine.get(`/v1/newsletters/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'scheduled', progress: null, counts: { queued: expect.any(Number) } });
    expect((await engine.post(`/v1/newsletters/${id}/send`, {}, admin())).status).toBe(409);
    const cancelled = await engine.post(`/v1/newsletters/${id}/cancel`, {}, admin());
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.progress).toBeNull();
  }, 240_000);
});
