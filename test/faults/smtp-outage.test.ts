// The SMTP server goes away for 30 seconds in the middle of a newsletter: when it is back, every
// recipient has exactly one copy and the newsletter counts every one of them as sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientCounts } from '../../db/newsletter.repository.js';
import { startCatcherProcess, type CatcherProcess, type CaughtMessage } from '../helpers/catcher-process.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';
import { cohortAudience, insertSubscribers } from '../support/subscribers.js';
import { reportFigures } from './figures.js';

const RECIPIENTS = Number(process.env['FAULTS_OUTAGE_RECIPIENTS'] ?? 2_000);
const OUTAGE_MS = Number(process.env['FAULTS_OUTAGE_SECONDS'] ?? 30) * 1000;

describe('SMTP server down in the middle of a newsletter', () => {
  let engine: RunningEngine;
  let before: CatcherProcess;
  let after: CatcherProcess | undefined;
  let port: number;

  beforeAll(async () => {
    before = await startCatcherProcess();
    port = Number(new URL(before.url).port);
    engine = await startEngine({ smtpPoolSize: 4, smtpRatePerSecond: 5_000, smtpUrl: before.url });
  });
  afterAll(async () => {
    await engine?.stop();
    await before?.stop();
    await after?.stop();
  });

  it(`delivers one copy to each of ${RECIPIENTS} recipients across a ${OUTAGE_MS / 1000} s outage`, async () => {
    await insertSubscribers(engine.database.db, { cohort: 'outage', count: RECIPIENTS });
    const admin = { authorization: `Bearer ${engine.keys.admin}` };
    const created = await engine.post('/v1/newsletters', { name: 'Outage', template: 'newsletter-digest', audience: cohortAudience('outage') }, admin);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await engine.post(`/v1/newsletters/${id}/send`, {}, admin)).status).toBe(202);

    // A quarter in, the server disappears.
    let beforeOutage: CaughtMessage[] = [];
    for (;;) {
      beforeOutage = await before.messages('outage-');
      if (beforeOutage.length >= RECIPIENTS / 4) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    beforeOutage = await before.shutDown('outage-');
    const outageStarted = Date.now();
    const progressDuringOutage = (await engine.get(`/v1/newsletters/${id}`, admin)).body.counts;
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    after = await startCatcherProcess({ port });

    let finished: any;
    for (const deadline = Date.now() + 300_000; ; ) {
      finished = (await engine.get(`/v1/newsletters/${id}`, admin)).body;
      if (finished.status === 'completed' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const afterOutage = await after.messages('outage-');
    const all = [...beforeOutage, ...afterOutage];
    const perRecipient = new Map<string, number>();
    for (const message of all) perRecipient.set(message.to[0]!, (perRecipient.get(message.to[0]!) ?? 0) + 1);
    const duplicates = [...perRecipient.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const missing = RECIPIENTS - perRecipient.size;

    reportFigures('smtp outage', {
      recipients: RECIPIENTS,
      'outage seconds': OUTAGE_MS / 1000,
      'delivered before outage': beforeOutage.length,
      'counted sent at outage': progressDuringOutage.sent,
      'delivered after return': afterOutage.length,
      duplicates,
      missing,
    });
    expect(finished.status).toBe('completed');
    expect(finished.counts).toMatchObject({ total: RECIPIENTS, sent: RECIPIENTS, failed: 0, queued: 0 });
    expect(await recipientCounts(engine.database.db, id)).toMatchObject({ sent: RECIPIENTS, failed: 0 });
    expect(afterOutage.length).toBeGreaterThan(0);
    expect(duplicates).toBe(0);
    expect(missing).toBe(0);
    expect(new Set(all.map((message) => message.messageId)).size).toBe(RECIPIENTS);
  }, 600_000);
});
