import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { welcomeWorkflowId } from '../../workflows/ids.js';
import type { welcomeWorkflow } from '../../workflows/welcome.workflow.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import { createRelanceWorker } from '../../worker/worker.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';
import { engineConfig } from '../support/engine-config.js';

// The outbox row goes `sending` before the message is handed to SMTP and `sent` after the server's
// answer is written down. These tests break the send right between the two, with real faults: the
// database refuses the `sent` write once (a trigger), or the SMTP server refuses once with a 4xx.

describe('exactly one copy when the send activity fails and is retried', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let engine: Engine;
  let bundle: WorkflowBundle;
  const refuseOnce = new Set<string>();

  beforeAll(async () => {
    [env, database, smtp, bundle] = await Promise.all([
      createTimeSkippingEnvironment(),
      createTestDatabase(),
      startSmtpCatcher({
        refuse: ({ to }) => {
          const address = to.find((candidate) => refuseOnce.delete(candidate));
          return address === undefined ? undefined : Object.assign(new Error('451 4.3.0 try again later'), { responseCode: 451 });
        },
      }),
      bundleWorkflows(),
    ]);
    engine = createEngine(engineConfig({ SMTP_URL: smtp.url, SMTP_POOL_SIZE: '2', SMTP_RATE_PER_SECOND: '100' }), { db: database.db });
    // Fails every write of status 'sent' for an address in fail_sent_for: SMTP has accepted the message by then.
    await sql`create table fail_sent_for (address text primary key)`.execute(database.db);
    await sql`create function fail_sent_once() returns trigger language plpgsql as $$
      begin
        if new.status = 'sent' and old.status = 'sending' and exists (select 1 from fail_sent_for where address = new.to_address) then
          -- A delete here would roll back with the failed update, so the test clears the flag after the failure.
          raise exception 'database went away while recording the send';
        end if;
        return new;
      end $$`.execute(database.db);
    await sql`create trigger fail_sent_once before update on email_messages for each row execute function fail_sent_once()`.execute(database.db);
  });
  afterAll(async () => {
    await engine?.close();
    await Promise.all([env?.teardown(), database?.drop(), smtp?.stop()]);
  });

  async function contactWith(name: string): Promise<{ id: string; email: string }> {
    const email = `${name}@example.com`;
    const identify = InboundEvent.parse({ type: 'identify', anonymousId: `anon-${name}`, messageId: `identify-${name}`, traits: { email, firstName: name } });
    const now = new Date();
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(identify, now)], await new ScoringModelStore(database.db).active(), now);
    return { id: outcomes[0]!.contactId, email };
  }

  async function runWelcome(contactId: string, onActivityFailure?: () => Promise<void>) {
    const activities = engine.activities;
    const sendEmail: typeof activities.sendEmail = async (input) => {
      try {
        return await activities.sendEmail(input);
      } catch (error) {
        await onActivityFailure?.();
        throw error;
      }
    };
    const worker = await createRelanceWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: 'exactly-once',
      workflowBundle: bundle,
      activities: { ...activities, sendEmail },
    });
    return worker.runUntil(
      env.client.workflow.execute<typeof welcomeWorkflow>('welcomeWorkflow', { taskQueue: 'exactly-once', workflowId: welcomeWorkflowId(contactId), args: [{ contactId }] }),
    );
  }

  async function attemptsOf(contactId: string): Promise<number[]> {
    const history = await env.client.workflow.getHandle(welcomeWorkflowId(contactId)).fetchHistory();
    return (history.events ?? []).flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.attempt ?? 0] : []));
  }

  it('does not send again when recording the send failed after the SMTP server accepted the message', async () => {
    const ida = await contactWith('ida');
    await sql`insert into fail_sent_for values (${ida.email})`.execute(database.db);
    let failures = 0;
    const result = await runWelcome(ida.id, async () => {
      failures += 1;
      // The first attempt failed: the message is at the server, the database never heard. Heal the database.
      await sql`delete from fail_sent_for`.execute(database.db);
    });

    expect(failures).toBe(1);
    expect(await attemptsOf(ida.id)).toEqual([2]);
    const copies = smtp.messages().filter((message) => message.to.includes(ida.email));
    expect(copies).toHaveLength(1);
    expect(copies[0]!.messageId).toBe(`<${result.emailId}@relance.test>`);
    const row = await database.db.selectFrom('email_messages').selectAll().where('id', '=', result.emailId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: expect.stringContaining('outcome unknown') });
  });

  it('sends once after a transient SMTP refusal: nothing was accepted, so the retry sends', async () => {
    const jon = await contactWith('jon');
    refuseOnce.add(jon.email);
    const result = await runWelcome(jon.id);
    expect(await attemptsOf(jon.id)).toEqual([2]);
    const copies = smtp.messages().filter((message) => message.to.includes(jon.email));
    expect(copies.map((message) => message.messageId)).toEqual([`<${result.emailId}@relance.test>`]);
    const row = await database.db.selectFrom('email_messages').selectAll().where('id', '=', result.emailId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });
});
