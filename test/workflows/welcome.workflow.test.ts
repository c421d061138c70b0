import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { listEmailsForContact } from '../../db/email.repository.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { welcomeWorkflowId } from '../../workflows/ids.js';
import type { welcomeWorkflow } from '../../workflows/welcome.workflow.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';

describe('welcome workflow', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let engine: Engine;
  let bundle: WorkflowBundle;

  beforeAll(async () => {
    [env, database, smtp, bundle] = await Promise.all([
      createTimeSkippingEnvironment(),
      createTestDatabase(),
      startSmtpCatcher(),
      bundleWorkflows(),
    ]);
    engine = createEngine(engineConfig({ SMTP_URL: smtp.url, SMTP_POOL_SIZE: '2', SMTP_RATE_PER_SECOND: '100' }), { db: database.db });
  });
  afterAll(async () => {
    await engine?.close();
    await Promise.all([env?.teardown(), database?.drop(), smtp?.stop()]);
  });

  async function contactWith(traits: Record<string, unknown>, anonymousId: string): Promise<string> {
    const identify = InboundEvent.parse({ type: 'identify', anonymousId, messageId: `identify-${anonymousId}`, traits });
    const now = new Date();
    const model = await new ScoringModelStore(database.db).active();
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(identify, now)], model, now);
    return outcomes[0]!.contactId;
  }

  async function runWelcome(contactId: string) {
    const worker = await createRelanceWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'welcome-test',
      workflowBundle: bundle,
      activities: engine.activities,
    });
    return worker.runUntil(
      env.client.workflow.execute<typeof welcomeWorkflow>('welcomeWorkflow', {
        taskQueue: 'welcome-test',
        workflowId: welcomeWorkflowId(contactId),
        args: [{ contactId }],
      }),
    );
  }

  it('sends the personalised welcome e-mail over SMTP and records it in the outbox', async () => {
    const contactId = await contactWith({ email: 'grace@example.com', firstName: 'Grace' }, 'anon-grace');
    const result = await runWelcome(contactId);

    const [mail] = await smtp.waitFor((message) => message.to.includes('grace@example.com'));
    expect(mail?.subject).toBe('Welcome, Grace!');
    expect(mail?.text).toContain('Hello Grace,');
    expect(mail?.html).toContain('Hello Grace,');
    expect(mail?.from).toBe('hello@relance.test');
    expect(mail?.messageId).toBe(`<${result.emailId}@relance.test>`);

    const outbox = await listEmailsForContact(database.db, contactId);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ id: result.emailId, status: 'sent', subject: 'Welcome, Grace!', to_address: 'grace@example.com' });
  });

  it('sends nothing a second time when the same cause runs again', async () => {
    const contactId = await contactWith({ email: 'linus@example.com', firstName: 'Linus' }, 'anon-linus');
    const activities = engine.activities;
    const input = { cause: `welcome:contact:${contactId}/welcome`, contactId, template: 'welcome' };
    const first = await activities.sendEmail(input);
    const second = await activities.sendEmail(input);
    expect(first.status).toBe('sent');
    expect(second).toEqual({ status: 'already-sent', emailId: first.emailId });
    await smtp.waitFor((message) => message.to.includes('linus@example.com'));
    // Give a wrongly repeated send time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages().filter((message) => message.to.includes('linus@example.com'))).toHaveLength(1);
  });

  it('carries on with the merged contact when the profile it started for was merged', async () => {
    const anonymous = await contactWith({ email: 'anon-merge@example.com', firstName: 'Ana' }, 'anon-merge');
    const now = new Date();
    const model = await new ScoringModelStore(database.db).active();
    // The site's user id arrives for the same browser: the anonymous profile folds into the user's.
    const [known, link] = [
      InboundEvent.parse({ type: 'identify', userId: 'user-merge', messageId: 'known-merge', traits: { lastName: 'Lovelace' } }),
      InboundEvent.parse({ type: 'identify', userId: 'user-merge', anonymousId: 'anon-merge', messageId: 'link-merge' }),
    ];
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(known, now)], model, now);
    const knownId = outcomes[0]!.contactId;
    await storeEvents(database.db, [normalizeEvent(link, now)], model, now);

    // The welcome was started for the anonymous id; it is sent to the person, with their merged traits.
    await runWelcome(anonymous);
    const [mail] = await smtp.waitFor((message) => message.to.includes('anon-merge@example.com'));
    expect(mail?.subject).toBe('Welcome, Ana!');
    const outbox = await listEmailsForContact(database.db, knownId);
    expect(outbox.map((row) => row.status)).toEqual(['sent']);
  });

  it('fails without retrying when the contact has no e-mail address', async () => {
    const contactId = await contactWith({ firstName: 'Nobody' }, 'anon-nobody');
    await expect(runWelcome(contactId)).rejects.toThrow(/Workflow execution failed/);
    const handle = env.client.workflow.getHandle(welcomeWorkflowId(contactId));
    const history = await handle.fetchHistory();
    const failures = (history.events ?? []).filter((event) => event.activityTaskFailedEventAttributes);
    // One attempt, not a retry loop.
    expect(failures).toHaveLength(1);
    expect(failures[0]?.activityTaskFailedEventAttributes?.failure?.message).toContain('has no e-mail address');
  });
});
