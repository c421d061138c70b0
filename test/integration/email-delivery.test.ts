import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailActivities, emailIdFor, type MessagingOptions } from '../../activities/email.activities.js';
import { createJourneyActivities } from '../../activities/journey.activities.js';
import { claimEmailsForSending } from '../../db/email.repository.js';
import { createMailTransport, SendClaimLost, sendAtCommitPoint, type MailTransport } from '../../activities/mail-transport.js';
import { findSuppression, setSubscriptions } from '../../db/consent.repository.js';
import { setTraitsBySales } from '../../db/contact.queries.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { verifyToken } from '../../domain/tokens.js';
import { startSmtpCatcher, type SmtpCatcher } from '../../scripts/local/smtp-catcher.js';
import { TemplateRenderer } from '../../templates/renderer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const secret = 'delivery-test-secret-delivery-test-secret';
const messaging: MessagingOptions = {
  secret,
  publicUrl: 'https://mail.relance.test',
  policy: { marketingPerWeek: 2, overBudget: 'defer', quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 }, defaultTimeZone: 'UTC' },
  senders: { news: { from: 'Relance News <news@relance.test>', replyTo: 'editors@relance.test' } },
};
// Noon in Paris and in UTC's daytime: outside quiet hours unless a test moves the clock.
const noon = new Date('2026-11-23T11:00:00Z');

describe('sending an e-mail: consent, links, tracking, bounces, budget, quiet hours', () => {
  let database: TestDatabase;
  let smtp: SmtpCatcher;
  let mailer: MailTransport;
  let templatesDir: string;

  beforeAll(async () => {
    [database, smtp] = await Promise.all([
      createTestDatabase(),
      startSmtpCatcher({ refuse: ({ to }) => (to.includes('gone@example.com') ? Object.assign(new Error('550 5.1.1 <gone@example.com>: mailbox unavailable'), { responseCode: 550 }) : undefined) }),
    ]);
    mailer = createMailTransport({ smtpUrl: smtp.url, poolSize: 2, ratePerSecond: 100 });
    templatesDir = await mkdtemp(path.join(tmpdir(), 'relance-templates-'));
    await writeFile(
      path.join(templatesDir, 'plain-offer.mjml'),
      '---\nsubject: An offer\ncategory: marketing\ntopic: promotions\ntracking: off\nsender: news\n---\n<mjml><mj-body><mj-section><mj-column><mj-text><a href="https://shop.example/offer?a=1&amp;b=2">Offer</a> <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>\n',
    );
  });
  afterAll(async () => {
    mailer?.close();
    await Promise.all([database?.drop(), smtp?.stop()]);
  });

  function activitiesAt(now: Date, options: { templates?: TemplateRenderer; messaging?: MessagingOptions } = {}) {
    return createEmailActivities({ db: database.db, mailer, templates: options.templates ?? new TemplateRenderer(), mailFrom: 'Relance <hello@relance.test>', messaging: options.messaging ?? messaging, clock: () => now });
  }

  async function contact(name: string, traits: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
    const email = `${name.toLowerCase()}@example.com`;
    const identify = InboundEvent.parse({ type: 'identify', anonymousId: `anon-${name}`, messageId: `identify-${name}`, traits: { email, firstName: name, ...traits } });
    const model = await new ScoringModelStore(database.db).active();
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(identify, noon)], model, noon);
    return { id: outcomes[0]!.contactId, email };
  }

  const subscribe = (contactId: string, topic: string) => setSubscriptions(database.db, contactId, [{ topic, status: 'subscribed' }], 'test', noon);
  const outboxRow = (id: string) => database.db.selectFrom('email_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const received = (email: string) => smtp.messages().filter((message) => message.to.includes(email));

  it('delivers marketing mail with personalised HTML and text, List-Unsubscribe headers, Message-ID and signed tracked links', async () => {
    const ada = await contact('Ada', { company: 'Analytical Engines' });
    await subscribe(ada.id, 'product_news');
    const result = await activitiesAt(noon).sendEmail({ cause: 'test/news/ada', contactId: ada.id, template: 'product-news' });
    expect(result).toEqual({ status: 'sent', emailId: emailIdFor('test/news/ada') });

    const [mail] = await smtp.waitFor((message) => message.to.includes(ada.email));
    expect(mail!.subject).toBe('Ada, three guides picked for you');
    expect(mail!.text).toContain('Hello Ada,');
    expect(mail!.text).toContain('readers in Analytical Engines');
    expect(mail!.html).toContain('Hello Ada,');
    expect(mail!.messageId).toBe(`<${result.emailId}@relance.test>`);
    expect(mail!.headers['x-relance-category']).toBe('marketing');
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const listUnsubscribe = /^<(https:\/\/mail\.relance\.test\/u\/([^>]+))>, <mailto:unsubscribe@relance\.test\?subject=unsubscribe-[0-9a-f]+>$/.exec(mail!.headers['list-unsubscribe']!.replace(/\r?\n/g, ''));
    expect(listUnsubscribe).not.toBeNull();
    expect(verifyToken(secret, listUnsubscribe![2]!, 'unsubscribe', noon)).toEqual({
      valid: true,
      claims: { purpose: 'unsubscribe', contactId: ada.id, topic: 'product_news', emailId: result.emailId },
    });
    // The footer carries the same unsubscribe link and a preference link, untouched by click tracking.
    expect(mail!.html).toContain(`href="${listUnsubscribe![1]}"`);
    const preferences = /href="https:\/\/mail\.relance\.test\/p\/([^"]+)"/.exec(mail!.html);
    expect(verifyToken(secret, preferences![1]!, 'preferences', noon)).toMatchObject({ valid: true, claims: { contactId: ada.id } });

    // Every content link goes through a signed click redirect naming its original destination.
    const clicks = [...mail!.html.matchAll(/href="https:\/\/mail\.relance\.test\/c\/([^"]+)"/g)].map((match) => verifyToken(secret, match[1]!, 'click', noon));
    expect(clicks.map((click) => (click.valid ? click.claims.url : click.reason))).toEqual([
      'https://relance.example/guides/getting-started?utm_source=email&utm_campaign=product_news',
      'https://relance.example/guides/scoring?utm_source=email&utm_campaign=product_news',
      'https://relance.example/pricing',
    ]);
    expect(mail!.html).not.toContain('href="https://relance.example');
    const pixel = /<img src="https:\/\/mail\.relance\.test\/o\/([^"]+)\.gif"/.exec(mail!.html);
    expect(verifyToken(secret, pixel![1]!, 'open', noon)).toMatchObject({ valid: true, claims: { emailId: result.emailId } });

    expect(await outboxRow(result.emailId)).toMatchObject({ status: 'sent', category: 'marketing', topic: 'product_news', to_address: ada.email, subject: 'Ada, three guides picked for you' });
  });

  it('skips marketing mail without consent for its topic, records why, and gives the same answer on retry', async () => {
    const bob = await contact('Bob');
    const send = () => activitiesAt(noon).sendEmail({ cause: 'test/news/bob', contactId: bob.id, template: 'product-news' });
    const first = await send();
    expect(first).toEqual({ status: 'skipped', emailId: emailIdFor('test/news/bob'), reason: 'no consent' });
    // Subscribing later does not revive a skipped e-mail: the outcome of one cause is final.
    await subscribe(bob.id, 'product_news');
    expect(await send()).toEqual(first);
    expect(await outboxRow(first.emailId)).toMatchObject({ status: 'skipped', skip_reason: 'no consent', sent_at: null });
    expect(received(bob.email)).toEqual([]);
  });

  it('sends transactional mail without consent, marked so and without List-Unsubscribe', async () => {
    const cleo = await contact('Cleo');
    const result = await activitiesAt(noon).sendEmail({ cause: 'test/welcome/cleo', contactId: cleo.id, template: 'welcome' });
    expect(result.status).toBe('sent');
    const [mail] = await smtp.waitFor((message) => message.to.includes(cleo.email));
    expect(mail!.headers['x-relance-category']).toBe('transactional');
    expect(mail!.headers['list-unsubscribe']).toBeUndefined();
  });

  it('holds marketing mail while the contact is under a marketing pause (an open complaint), not transactional mail', async () => {
    const dee = await contact('Dee');
    await subscribe(dee.id, 'product_news');
    // What the satisfaction journey's set_trait node does for a detractor.
    const journeys = createJourneyActivities({ db: database.db, models: new ScoringModelStore(database.db) });
    await journeys.setContactTrait({ contactId: dee.id, trait: 'marketing_paused', value: true, journeyId: 'satisfaction', nodeId: 'pause_marketing', at: noon.toISOString() });
    const paused = await activitiesAt(noon).sendEmail({ cause: 'test/news/dee-1', contactId: dee.id, template: 'product-news' });
    expect(paused).toEqual({ status: 'skipped', emailId: emailIdFor('test/news/dee-1'), reason: 'marketing paused' });
    expect((await activitiesAt(noon).sendEmail({ cause: 'test/welcome/dee', contactId: dee.id, template: 'welcome' })).status).toBe('sent');
    await smtp.waitFor((message) => message.to.includes(dee.email));
    expect(received(dee.email).map((mail) => mail.headers['x-relance-category'])).toEqual(['transactional']);

    // The complaint is resolved: the pause is lifted and promotions flow again.
    const model = await new ScoringModelStore(database.db).active();
    await setTraitsBySales(database.db, dee.id, { marketing_paused: false }, 'rep@relance.test', noon, model);
    expect((await activitiesAt(noon).sendEmail({ cause: 'test/news/dee-2', contactId: dee.id, template: 'product-news' })).status).toBe('sent');
  });

  it('honours tracking: off and the named sender of a template', async () => {
    const dora = await contact('Dora');
    await subscribe(dora.id, 'promotions');
    const result = await activitiesAt(noon, { templates: new TemplateRenderer(templatesDir) }).sendEmail({ cause: 'test/offer/dora', contactId: dora.id, template: 'plain-offer' });
    expect(result.status).toBe('sent');
    const [mail] = await smtp.waitFor((message) => message.to.includes(dora.email));
    expect(mail!.html).toContain('href="https://shop.example/offer?a=1&amp;b=2"');
    expect(mail!.html).not.toContain('/c/');
    expect(mail!.html).not.toContain('/o/');
    expect(mail!.headers['from']).toBe('Relance News <news@relance.test>');
    expect(mail!.headers['reply-to']).toBe('editors@relance.test');
  });

  it('records a permanent SMTP refusal as a bounce, suppresses the address and skips its next marketing e-mail', async () => {
    const gone = await contact('Gone');
    await subscribe(gone.id, 'product_news');
    const activities = activitiesAt(noon);
    const failure = await activities.sendEmail({ cause: 'test/news/gone-1', contactId: gone.id, template: 'product-news' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ type: 'SmtpPermanentFailure', nonRetryable: true });
    // The refusal quoted the address; the failure that reaches Temporal's history does not.
    expect((failure as Error).message).toContain('550 5.1.1 <<recipient>>: mailbox unavailable');
    expect((failure as Error).message).not.toContain('gone@example.com');
    expect(await outboxRow(emailIdFor('test/news/gone-1'))).toMatchObject({ status: 'failed' });
    expect(await findSuppression(database.db, gone.email)).toMatchObject({ reason: 'hard_bounce', detail: expect.stringContaining('550') });

    expect(await activities.sendEmail({ cause: 'test/news/gone-2', contactId: gone.id, template: 'product-news' })).toMatchObject({ status: 'skipped', reason: 'suppressed: hard_bounce' });
  });

  it('defers marketing mail over the weekly budget until the oldest leaves the window, or skips it when so configured', async () => {
    const eve = await contact('Eve');
    await subscribe(eve.id, 'product_news');
    const send = (cause: string, at: Date, options?: { messaging?: MessagingOptions }) => activitiesAt(at, options).sendEmail({ cause, contactId: eve.id, template: 'product-news' });
    const first = new Date('2026-11-20T10:00:00Z');
    expect((await send('test/budget/1', first)).status).toBe('sent');
    expect((await send('test/budget/2', new Date('2026-11-21T10:00:00Z'))).status).toBe('sent');
    // The welcome e-mail is transactional: it neither counts nor is held.
    expect((await activitiesAt(noon).sendEmail({ cause: 'test/budget/welcome', contactId: eve.id, template: 'welcome' })).status).toBe('sent');

    const third = await send('test/budget/3', noon);
    expect(third).toEqual({ status: 'deferred', emailId: emailIdFor('test/budget/3'), until: '2026-11-27T10:00:00.000Z', reason: 'over budget' });
    expect(await outboxRow(third.emailId)).toMatchObject({ status: 'deferred', deferred_until: new Date('2026-11-27T10:00:00Z') });
    // Asked again with the same cause once the first e-mail left the window: it goes.
    expect(await send('test/budget/3', new Date('2026-11-27T10:00:01Z'))).toEqual({ status: 'sent', emailId: third.emailId });

    const skipping = { ...messaging, policy: { ...messaging.policy, overBudget: 'skip' as const } };
    expect(await send('test/budget/4', new Date('2026-11-27T11:00:00Z'), { messaging: skipping })).toMatchObject({ status: 'skipped', reason: 'over budget' });
    await smtp.waitFor((message) => message.to.includes(eve.email), { count: 4 });
    expect(received(eve.email)).toHaveLength(4);
  });

  it('defers marketing mail in quiet hours of the contact’s time zone and sends it when they end', async () => {
    const fay = await contact('Fay', { timezone: 'Europe/Paris' });
    await subscribe(fay.id, 'product_news');
    // 22:30 in Paris.
    const late = new Date('2026-11-23T21:30:00Z');
    const deferred = await activitiesAt(late).sendEmail({ cause: 'test/quiet/fay', contactId: fay.id, template: 'product-news' });
    expect(deferred).toMatchObject({ status: 'deferred', until: '2026-11-24T07:00:00.000Z', reason: 'quiet hours' });
    expect(received(fay.email)).toEqual([]);
    const sent = await activitiesAt(new Date(deferred.status === 'deferred' ? deferred.until : 0)).sendEmail({ cause: 'test/quiet/fay', contactId: fay.id, template: 'product-news' });
    expect(sent).toEqual({ status: 'sent', emailId: deferred.emailId });
  });

  it('keeps an unsubscribe when the profile that made it is merged into another', async () => {
    const anonymous = await contact('Gus');
    await subscribe(anonymous.id, 'product_news');
    await setSubscriptions(database.db, anonymous.id, [{ topic: 'product_news', status: 'unsubscribed' }], 'one-click', noon);
    const model = await new ScoringModelStore(database.db).active();
    // The site's user signs in with a profile that still says subscribed, then the browser is linked to it.
    const known = InboundEvent.parse({ type: 'identify', userId: 'user-gus', messageId: 'known-gus', traits: { lastName: 'Grissom' } });
    const { outcomes } = await storeEvents(database.db, [normalizeEvent(known, noon)], model, noon);
    await subscribe(outcomes[0]!.contactId, 'product_news');
    const link = InboundEvent.parse({ type: 'identify', userId: 'user-gus', anonymousId: 'anon-Gus', messageId: 'link-gus' });
    await storeEvents(database.db, [normalizeEvent(link, noon)], model, noon);

    expect(await activitiesAt(noon).sendEmail({ cause: 'test/merge/gus', contactId: outcomes[0]!.contactId, template: 'product-news' })).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const rows = await database.db.selectFrom('contact_subscriptions').select(['contact_id', 'status']).where('topic', '=', 'product_news').where('contact_id', 'in', [anonymous.id, outcomes[0]!.contactId]).execute();
    expect(rows).toEqual([{ contact_id: outcomes[0]!.contactId, status: 'unsubscribed' }]);
  });

  it('sends a batch with one check each and records every answer, also past one write of answers', async () => {
    const crowd = await Promise.all(Array.from({ length: 30 }, (_, index) => contact(`Batch${index}`)));
    await Promise.all(crowd.slice(1).map((member) => subscribe(member.id, 'product_news')));
    const inputs = crowd.map((member) => ({ cause: `test/batch/${member.id}`, contactId: member.id, template: 'product-news' }));
    const { sendEmails } = activitiesAt(noon);
    const outcomes: Awaited<ReturnType<typeof sendEmails>> = await new MockActivityEnvironment().run(sendEmails, inputs);

    // The first contact never subscribed: its own consent check skips it, the others are sent.
    expect(outcomes[0]).toEqual({ status: 'skipped', emailId: emailIdFor(inputs[0]!.cause), reason: 'no consent' });
    expect(outcomes.slice(1).every((outcome) => outcome.status === 'sent')).toBe(true);
    const rows = await database.db.selectFrom('email_messages').selectAll().where('id', 'in', inputs.slice(1).map((input) => emailIdFor(input.cause))).execute();
    expect(rows).toHaveLength(29);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(row.subject).toMatch(/three guides picked for you/);
      expect(row.smtp_response).toMatch(/^250/);
      expect(row.sent_at).not.toBeNull();
    }
    for (const member of crowd.slice(1)) expect(received(member.email)).toHaveLength(1);
    expect(received(crowd[0]!.email)).toHaveLength(0);
  });

  it('checks and claims e-mails leaving together in shared statements, each on its own row', async () => {
    const crowd = await Promise.all(Array.from({ length: 12 }, (_, index) => contact(`Shared${index}`)));
    await Promise.all(crowd.filter((_, index) => index !== 5).map((member) => subscribe(member.id, 'product_news')));
    const inputs = crowd.map((member) => ({ cause: `test/shared/${member.id}`, contactId: member.id, template: 'product-news' }));
    const { sendEmail, sendEmails } = activitiesAt(noon);
    // Sent before the batch: its row says so, and the batch's read of it answers already-sent.
    await sendEmail(inputs[3]!);
    const batch = [
      ...inputs,
      // The same e-mail twice in one batch: two claims of one row can not share a statement, so they
      // are claimed one by one and only one copy leaves.
      inputs[7]!,
      { cause: 'test/shared/nobody', contactId: '00000000-0000-4000-8000-000000000000', template: 'product-news' },
      { cause: 'test/shared/not-an-id', contactId: 'not-a-uuid', template: 'product-news' },
    ];
    const outcomes: Awaited<ReturnType<typeof sendEmails>> = await new MockActivityEnvironment().run(sendEmails, batch);

    expect(outcomes[3]).toEqual({ status: 'already-sent', emailId: emailIdFor(inputs[3]!.cause) });
    expect(outcomes[5]).toEqual({ status: 'skipped', emailId: emailIdFor(inputs[5]!.cause), reason: 'no consent' });
    expect([outcomes[7]!.status, outcomes[12]!.status].sort()).toEqual(['already-sent', 'sent']);
    expect(outcomes[13]).toMatchObject({ status: 'failed', reason: expect.stringContaining('does not exist') });
    expect(outcomes[14]).toMatchObject({ status: 'failed', reason: expect.stringContaining('does not exist') });
    for (const [index, member] of crowd.entries()) {
      if (index !== 3 && index !== 5 && index !== 7) expect(outcomes[index]).toEqual({ status: 'sent', emailId: emailIdFor(inputs[index]!.cause) });
      expect(received(member.email)).toHaveLength(index === 5 ? 0 : 1);
    }
    const rows = await database.db.selectFrom('email_messages').select(['id', 'status', 'attempts']).where('id', 'in', inputs.map((input) => emailIdFor(input.cause))).execute();
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(11);
    expect(rows.find((row) => row.id === emailIdFor(inputs[5]!.cause))?.status).toBe('skipped');
    // Why the same e-mail twice goes one by one: one statement can not claim a row twice.
    const twice = { email: { id: emailIdFor('test/shared/twice'), contactId: crowd[0]!.id, template: 'product-news', templateVersion: 1, to: crowd[0]!.email, category: 'marketing' as const, topic: 'product_news' }, now: noon };
    await expect(claimEmailsForSending(database.db, [twice, twice])).rejects.toThrow(/cannot affect row a second time/);
  });

  it('counts an e-mail another attempt committed to `sending` as sent, and never sends a second copy', async () => {
    const hal = await contact('Hal');
    const emailId = emailIdFor('test/overlap/hal');
    // An earlier attempt committed `sending` right before its end-of-data dot, then died.
    await claimEmailsForSending(database.db, [{ email: { id: emailId, contactId: hal.id, template: 'welcome', templateVersion: 1, to: hal.email, category: 'transactional', topic: null }, now: noon }]);
    expect(await activitiesAt(noon).sendEmail({ cause: 'test/overlap/hal', contactId: hal.id, template: 'welcome' })).toEqual({ status: 'already-sent', emailId });
    expect(await outboxRow(emailId)).toMatchObject({ status: 'sent', last_error: expect.stringContaining('outcome unknown') });
    expect(received(hal.email)).toEqual([]);
  });

  it('ends the SMTP data only after the commit, and abandons the copy when the commit is refused', async () => {
    const message = (to: string) => ({ from: 'Relance <hello@relance.test>', to, subject: 'commit point', text: 'body', messageId: `<${to}@relance.test>` });
    let committedBeforeArrival = false;
    await sendAtCommitPoint(mailer, message('kept@example.com'), async () => {
      committedBeforeArrival = received('kept@example.com').length === 0;
      return true;
    }, 'kept');
    expect(committedBeforeArrival).toBe(true);
    expect(received('kept@example.com')).toHaveLength(1);

    await expect(sendAtCommitPoint(mailer, message('abandoned@example.com'), async () => false, 'abandoned')).rejects.toBeInstanceOf(SendClaimLost);
    // The pool recovers: the next message on the same transport is delivered.
    await sendAtCommitPoint(mailer, message('after@example.com'), async () => true, 'after');
    await smtp.waitFor((m) => m.to.includes('after@example.com'));
    expect(received('abandoned@example.com')).toEqual([]);
  });
});
