import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvents } from '../../db/ingestion/index.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { STAGE_REVIEW_WORKFLOW_ID } from '../../workflows/ids.js';
import type { stageReviewWorkflow } from '../../workflows/stage-review.workflow.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';

const DAY_MS = 86_400_000;

describe('stage review (decay demotion)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let engine: Engine;

  beforeAll(async () => {
    [env, database, smtp] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase(), startSmtpCatcher()]);
    engine = createEngine(engineConfig({ SMTP_URL: smtp.url, SMTP_POOL_SIZE: '1', SMTP_RATE_PER_SECOND: '100' }), { db: database.db });
  });
  afterAll(async () => {
    await engine?.close();
    await Promise.all([env?.teardown(), database?.drop(), smtp?.stop()]);
  });

  it('demotes an MQL back to lead once its engagement has decayed under the threshold', async () => {
    const { models } = engine;
    const start = new Date(await env.currentTimeMs());
    const events = [
      { type: 'identify', userId: 'decaying', messageId: 'd-1', traits: { email: 'd@example.com', jobTitle: 'CTO', companySize: 250 } },
      { type: 'track', event: 'quote_requested', userId: 'decaying', messageId: 'd-2' },
      { type: 'track', event: 'form_submitted', userId: 'decaying', messageId: 'd-3' },
    ].map((event) => normalizeEvent(InboundEvent.parse({ ...event, timestamp: start.toISOString() }), start));
    const { outcomes } = await storeEvents(database.db, events, await models.active(), start);
    const contactId = outcomes[0]!.contactId;
    const stageOf = async () => (await database.db.selectFrom('contacts').select('stage').where('id', '=', contactId).executeTakeFirstOrThrow()).stage;
    expect(await stageOf()).toBe('mql');

    const worker = await createRelanceWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: 'stage-review',
      workflowBundle: await bundleWorkflows(),
      activities: engine.activities,
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof stageReviewWorkflow>('stageReviewWorkflow', {
        taskQueue: 'stage-review',
        workflowId: STAGE_REVIEW_WORKFLOW_ID,
        args: [{ intervalMinutes: 24 * 60 }],
      });
      // 60 points halve every 30 days: under 50 after about 7.9 days; the daily review sees it on day 8.
      await env.sleep('3 days');
      expect(await stageOf()).toBe('mql');
      await env.sleep('7 days');
      expect(await stageOf()).toBe('lead');
      await handle.terminate('test finished');
    });

    const demotion = await database.db
      .selectFrom('stage_transitions')
      .select(['from_stage', 'to_stage', 'reason', 'actor', 'occurred_at'])
      .where('contact_id', '=', contactId)
      .where('from_stage', '=', 'mql')
      .executeTakeFirstOrThrow();
    expect(demotion).toMatchObject({ to_stage: 'lead', actor: 'scoring' });
    expect(demotion.reason).toMatch(/^demoted: engagement decayed to 4\d\.\d+, under the MQL threshold 50$/);
    const daysAfter = (demotion.occurred_at.getTime() - start.getTime()) / DAY_MS;
    expect(daysAfter).toBeGreaterThan(7.9);
    expect(daysAfter).toBeLessThan(9.1);
  });
});
