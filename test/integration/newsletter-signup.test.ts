import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSubscriptions, setSubscriptions } from '../../db/consent.repository.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import type { CompiledScoringModel } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// A newsletter_subscribed event is consent given on a site's form: it subscribes its topic in the
// transaction that stores the event, so an acknowledged sign-up is never without its subscription.
describe('newsletter sign-up events', () => {
  let database: TestDatabase;
  let model: CompiledScoringModel;
  const now = new Date('2026-11-23T10:00:00Z');
  beforeAll(async () => {
    database = await createTestDatabase();
    model = await new ScoringModelStore(database.db).active();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const signUp = (who: string, messageId: string, properties: Record<string, unknown> = {}) =>
    InboundEvent.parse({ type: 'track', event: 'newsletter_subscribed', userId: who, messageId, properties: { email: `${who}@example.com`, ...properties } });
  const store = (events: InboundEvent[], doubleOptIn = false) => storeEvents(database.db, events.map((event) => normalizeEvent(event, now)), model, now, { doubleOptIn });
  const topics = async (contactId: string) => (await listSubscriptions(database.db, contactId)).map(({ topic, status, source }) => ({ topic, status, source }));
  const confirmations = async (contactId: string) =>
    (await database.db.selectFrom('orchestration_outbox').select('payload').where('kind', '=', 'subscription_confirmation').execute()).map((row) => row.payload).filter((payload) => (payload as { contactId: string }).contactId === contactId);

  it('subscribes the topic the event names (the newsletter when it names none), once', async () => {
    const first = await store([signUp('nina', 'nina-1'), signUp('nina', 'nina-2', { topic: 'promotions' })]);
    const contactId = first.outcomes[0]!.contactId;
    expect(await topics(contactId)).toEqual([
      { topic: 'newsletter', status: 'subscribed', source: 'event:newsletter_subscribed' },
      { topic: 'promotions', status: 'subscribed', source: 'event:newsletter_subscribed' },
    ]);
    // A retried event changes nothing, and sends no confirmation without double opt-in.
    const retry = await store([signUp('nina', 'nina-1')]);
    expect(retry.outcomes[0]).toMatchObject({ stored: false });
    expect(await confirmations(contactId)).toEqual([]);
  });

  it('counts a new sign-up after an unsubscribe as consent given again', async () => {
    const { outcomes } = await store([signUp('omar', 'omar-1')]);
    const contactId = outcomes[0]!.contactId;
    await setSubscriptions(database.db, contactId, [{ topic: 'newsletter', status: 'unsubscribed' }], 'one-click', now);
    await store([signUp('omar', 'omar-2')]);
    expect(await topics(contactId)).toEqual([{ topic: 'newsletter', status: 'subscribed', source: 'event:newsletter_subscribed' }]);
  });

  it('with double opt-in, keeps the subscription pending and asks for a confirmation e-mail; a confirmed one stays confirmed', async () => {
    const { outcomes } = await store([signUp('pia', 'pia-1')], true);
    const contactId = outcomes[0]!.contactId;
    expect(await topics(contactId)).toEqual([{ topic: 'newsletter', status: 'pending', source: 'event:newsletter_subscribed' }]);
    expect(await confirmations(contactId)).toEqual([expect.objectContaining({ contactId, topic: 'newsletter' })]);

    await setSubscriptions(database.db, contactId, [{ topic: 'newsletter', status: 'subscribed' }], 'double-opt-in', now);
    await store([signUp('pia', 'pia-2')], true);
    expect(await topics(contactId)).toEqual([{ topic: 'newsletter', status: 'subscribed', source: 'double-opt-in' }]);
    expect(await confirmations(contactId)).toHaveLength(1);
  });

  it('subscribes no one when the sign-up carries no address', async () => {
    const { outcomes } = await store([InboundEvent.parse({ type: 'track', event: 'newsletter_subscribed', anonymousId: 'anon-q', messageId: 'q-1' })]);
    expect(await topics(outcomes[0]!.contactId)).toEqual([]);
  });
});
