import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createMailTransport, type MailTransport } from '../../activities/mail-transport.js';
import { createNewsletter, recipientCounts } from '../../db/newsletter.repository.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { broadcastStartsAt, NewsletterSchedule } from '../../domain/newsletter.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { TemplateRenderer } from '../../templates/renderer.js';
import { newsletterWorkflowId } from '../../workflows/ids.js';
import { cancelSignal, pauseSignal, progressQuery, resumeSignal, type NewsletterProgress } from '../../workflows/newsletter.messages.js';
import type { newsletterWorkflow } from '../../workflows/newsletter.workflow.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { cohortAudience, insertSubscribers } from '../support/subscribers.js';
import { bundleWorkflows, createTimeSkippingEnvironment } from '../helpers/temporal.js';

describe('newsletter broadcast workflow', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let bundle: WorkflowBundle;
  const mailers: MailTransport[] = [];
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  /** A test that wants the server slow to answer one message sets this. */
  let holdMail: ((envelope: { to: string[] }) => Promise<void> | undefined) | undefined;

  beforeAll(async () => {
    [env, database, smtp, bundle] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase(),
      // One mailbox that does not exist: its copy is refused for good.
      startSmtpCatcher({
        refuse: ({ to }) => (to.includes('bounce-3@example.com') ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined),
        hold: (envelope) => holdMail?.(envelope),
      }),
      bundleWorkflows(),
    ]);
  });
  afterAll(async () => {
    for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(workers.map(({ running }) => running));
    for (const mailer of mailers) mailer.close();
    await Promise.all([env?.teardown(), database?.drop(), smtp?.stop()]);
  });

  /** A worker as the engine runs it, on its own mailer; a short grace time so a stop interrupts a page. */
  async function startWorker(taskQueue: string, options: { cacheWorkflows?: boolean } = {}) {
    const mailer = createMailTransport({ smtpUrl: smtp.url, poolSize: 4, ratePerSecond: 1_000 });
    mailers.push(mailer);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      shutdownGraceTime: '200 ms',
      // The time-skipping server never moves a stopped worker's sticky queue back to the shared one;
      // without a cache every workflow task goes there and replays the history, as after a crash.
      ...(options.cacheWorkflows === false ? { maxCachedWorkflows: 0 } : {}),
      activities: createActivities({ db: database.db, mailer, templates: new TemplateRenderer(), mailFrom: 'Relance <news@relance.test>', models: new ScoringModelStore(database.db) }),
    });
    const started = { worker, running: worker.run() };
    workers.push(started);
    return started;
  }

  async function newsletterFor(cohort: string, options: { schedule?: unknown; ratePerSecond?: number } = {}) {
    const row = await createNewsletter(database.db, {
      name: `News for ${cohort}`,
      template: 'newsletter-digest',
      topic: 'newsletter',
      audience: cohortAudience(cohort),
      schedule: NewsletterSchedule.parse(options.schedule ?? { kind: 'now' }),
      ratePerSecond: options.ratePerSecond,
    });
    return row;
  }

  const mailFor = (cohort: string) => smtp.messages().filter((m) => m.to[0]?.startsWith(`${cohort}-`));

  async function progressUntil(handle: { query: (q: typeof progressQuery) => Promise<NewsletterProgress> }, done: (p: NewsletterProgress) => boolean): Promise<NewsletterProgress> {
    for (let tries = 0; tries < 600; tries++) {
      const progress = await handle.query(progressQuery);
      if (done(progress)) return progress;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`progress never reached the expected state: ${JSON.stringify(await handle.query(progressQuery))}`);
  }

  it('sends at each recipient’s local hour, one time zone after the other', async () => {
    const zones = ['Asia/Tokyo', 'Europe/Paris', 'America/New_York', null, 'Not/AZone'];
    await insertSubscribers(database.db, { cohort: 'tz', count: 40, timeZones: zones });
    const now = new Date(await env.currentTimeMs());
    const date = new Date(now.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const schedule = NewsletterSchedule.parse({ kind: 'local-time', date, time: '09:00', fallbackTimeZone: 'Europe/London' });
    const newsletter = await newsletterFor('tz', { schedule });
    const { worker, running } = await startWorker('newsletter-tz');
    const handle = await env.client.workflow.start<typeof newsletterWorkflow>('newsletterWorkflow', {
      taskQueue: 'newsletter-tz',
      workflowId: newsletterWorkflowId(newsletter.id),
      args: [{ newsletterId: newsletter.id, startAt: broadcastStartsAt(schedule)!.toISOString() }],
    });
    const zoneOf = (address: string) => zones[Number(/-(\d+)@/.exec(address)![1]) % zones.length];
    const hour = (utc: string) => new Date(`${date}T${utc}:00Z`).getTime();

    // Tokyo (UTC+9) reaches 09:00 at 00:00Z; London's and the invalid zone's fallback in winter at 09:00Z,
    // Paris at 08:00Z, New York at 14:00Z.
    const steps: [number, (string | null)[]][] = [
      [hour('00:01'), ['Asia/Tokyo']],
      [hour('08:01'), ['Asia/Tokyo', 'Europe/Paris']],
      [hour('09:01'), ['Asia/Tokyo', 'Europe/Paris', null, 'Not/AZone']],
    ];
    for (const [until, reached] of steps) {
      await env.sleep(until - (await env.currentTimeMs()));
      const progress = await progressUntil(handle, (p) => p.counts.sent === reached.length * 8);
      expect(new Set(mailFor('tz').map((m) => zoneOf(m.to[0]!)))).toEqual(new Set(reached));
      expect(progress.status).toBe('sending');
      expect(progress.counts.queued).toBe(40 - reached.length * 8);
      expect(progress.nextSendAt).not.toBeNull();
    }
    const result = await handle.result();
    expect(result).toEqual({ status: 'completed', counts: { total: 40, queued: 0, sent: 40, skipped: {}, failed: 0 } });
    expect(mailFor('tz')).toHaveLength(40);
    worker.shutdown();
    await running;
  });

  it('counts a copy the mail server refuses for good as failed, with its reason', async () => {
    await insertSubscribers(database.db, { cohort: 'bounce', count: 10 });
    const newsletter = await newsletterFor('bounce');
    const { worker, running } = await startWorker('newsletter-bounce');
    const result = await env.client.workflow.execute<typeof newsletterWorkflow>('newsletterWorkflow', {
      taskQueue: 'newsletter-bounce',
      workflowId: newsletterWorkflowId(newsletter.id),
      args: [{ newsletterId: newsletter.id, startAt: null }],
    });
    expect(result).toEqual({ status: 'completed', counts: { total: 10, queued: 0, sent: 9, skipped: {}, failed: 1 } });
    const refused = await database.db
      .selectFrom('newsletter_recipients')
      .innerJoin('contacts', 'contacts.id', 'newsletter_recipients.contact_id')
      .select(['newsletter_recipients.status', 'newsletter_recipients.reason'])
      .where('contacts.email', '=', 'bounce-3@example.com')
      .execute();
    expect(refused).toEqual([{ status: 'failed', reason: 'SmtpPermanentFailure' }]);
    expect(mailFor('bounce')).toHaveLength(9);
    worker.shutdown();
    await running;
  });

  it('pauses, resumes and cancels; everyone not reached is counted as skipped, cancelled', async () => {
    await insertSubscribers(database.db, { cohort: 'pause', count: 200 });
    const newsletter = await newsletterFor('pause', { ratePerSecond: 20 });
    const { worker, running } = await startWorker('newsletter-pause');
    const handle = await env.client.workflow.start<typeof newsletterWorkflow>('newsletterWorkflow', {
      taskQueue: 'newsletter-pause',
      workflowId: newsletterWorkflowId(newsletter.id),
      args: [{ newsletterId: newsletter.id, startAt: null }],
    });
    await smtp.waitFor((m) => m.to[0]!.startsWith('pause-'), { count: 10 });
    await handle.signal(pauseSignal);
    const paused = await progressUntil(handle, (p) => p.status === 'paused');
    const sentWhenPaused = mailFor('pause').length;
    expect(paused.counts.sent).toBe(sentWhenPaused);
    expect(sentWhenPaused).toBeLessThan(200);
    // Nothing leaves while paused, however long it lasts.
    await env.sleep('2 hours');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailFor('pause')).toHaveLength(sentWhenPaused);
    expect(await database.db.selectFrom('newsletters').select('status').where('id', '=', newsletter.id).executeTakeFirst()).toEqual({ status: 'paused' });

    await handle.signal(resumeSignal);
    await smtp.waitFor((m) => m.to[0]!.startsWith('pause-'), { count: sentWhenPaused + 10 });
    await handle.signal(cancelSignal);
    const result = await handle.result();
    const sent = mailFor('pause').length;
    expect(sent).toBeLessThan(200);
    expect(result).toEqual({ status: 'cancelled', counts: { total: 200, queued: 0, sent, skipped: { cancelled: 200 - sent }, failed: 0 } });
    expect(await recipientCounts(database.db, newsletter.id)).toEqual(result.counts);
    expect(new Set(mailFor('pause').map((m) => m.messageId)).size).toBe(sent);
    const row = await database.db.selectFrom('newsletters').select(['status', 'counters', 'finished_at']).where('id', '=', newsletter.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', counters: result.counts });
    expect(row.finished_at).toBeInstanceOf(Date);
    worker.shutdown();
    await running;
  });

  it('counts sent a copy the server answered late, after other copies of its page were written, when a cancel follows', async () => {
    await insertSubscribers(database.db, { cohort: 'slow', count: 60 });
    // Pages of 40 at 20 a second: the cancel comes during the first page and leaves the rest to skip.
    const newsletter = await newsletterFor('slow', { ratePerSecond: 20 });
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    // The server has the first copy but keeps its answer back, as a loaded one does: the page's other
    // lanes go on sending and write a batch of their outcomes meanwhile.
    holdMail = ({ to }) => {
      if (held || !to[0]?.startsWith('slow-')) return undefined;
      held = true;
      return answered;
    };
    try {
      const { worker, running } = await startWorker('newsletter-slow');
      const handle = await env.client.workflow.start<typeof newsletterWorkflow>('newsletterWorkflow', {
        taskQueue: 'newsletter-slow',
        workflowId: newsletterWorkflowId(newsletter.id),
        args: [{ newsletterId: newsletter.id, startAt: null }],
      });
      for (let tries = 0; tries < 600 && (await recipientCounts(database.db, newsletter.id)).sent < 25; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(held).toBe(true);
      expect((await recipientCounts(database.db, newsletter.id)).sent).toBeGreaterThanOrEqual(25);
      // The cancel reaches the page while the held copy still waits; no later page comes to mend it.
      await handle.signal(cancelSignal);
      const cancelRequested = async () => (await handle.fetchHistory()).events?.some((event) => event.activityTaskCancelRequestedEventAttributes != null) ?? false;
      for (let tries = 0; tries < 600 && !(await cancelRequested()); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await cancelRequested()).toBe(true);
      release();

      const result = await handle.result();
      const sent = mailFor('slow').length;
      expect(sent).toBeLessThan(60);
      expect(new Set(mailFor('slow').map((m) => m.messageId)).size).toBe(sent);
      expect(result).toEqual({ status: 'cancelled', counts: { total: 60, queued: 0, sent, skipped: { cancelled: 60 - sent }, failed: 0 } });
      expect(await recipientCounts(database.db, newsletter.id)).toEqual(result.counts);
      worker.shutdown();
      await running;
    } finally {
      holdMail = undefined;
      release();
    }
  });

  it('sends one copy per recipient when the worker is stopped mid-send and another takes over', async () => {
    await insertSubscribers(database.db, { cohort: 'crash', count: 1_500, withoutEmailEvery: 100 });
    const newsletter = await newsletterFor('crash', { ratePerSecond: 300 });
    const first = await startWorker('newsletter-crash', { cacheWorkflows: false });
    const handle = await env.client.workflow.start<typeof newsletterWorkflow>('newsletterWorkflow', {
      taskQueue: 'newsletter-crash',
      workflowId: newsletterWorkflowId(newsletter.id),
      // Small runs: the stop also lands across continue-as-new boundaries.
      args: [{ newsletterId: newsletter.id, startAt: null, pagesPerRun: 3 }],
    });
    await smtp.waitFor((m) => m.to[0]!.startsWith('crash-'), { count: 300 });
    first.worker.shutdown();
    await first.running;
    const sentByFirst = mailFor('crash').length;
    expect(sentByFirst).toBeLessThan(1_485);

    const second = await startWorker('newsletter-crash', { cacheWorkflows: false });
    const result = await handle.result();
    second.worker.shutdown();
    await second.running;

    const mail = mailFor('crash');
    expect(mail).toHaveLength(1_485);
    expect(new Set(mail.map((m) => m.messageId)).size).toBe(1_485);
    expect(new Set(mail.map((m) => m.to[0])).size).toBe(1_485);
    expect(result.counts).toEqual({ total: 1_500, queued: 0, sent: 1_485, skipped: { 'no-email-address': 15 }, failed: 0 });
    // Three pages per run: the broadcast went on across continue-as-new.
    expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
    expect(await recipientCounts(database.db, newsletter.id)).toEqual(result.counts);
    const outbox = await database.db.selectFrom('email_messages').select((eb) => eb.fn.countAll<number>().as('count')).where('template', '=', 'newsletter-digest').where('to_address', 'like', 'crash-%').executeTakeFirstOrThrow();
    expect(Number(outbox.count)).toBe(1_485);
  });
});
