import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

describe('a newsletter sign-up sent as an event, with double opt-in', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine({ doubleOptIn: true });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('subscribes the topic once the contact confirms through the e-mailed link', async () => {
    const signUp = await engine.post('/v1/track', {
      type: 'track',
      event: 'newsletter_subscribed',
      anonymousId: 'visitor-rosa',
      messageId: 'rosa-signup',
      properties: { email: 'rosa@example.com', firstName: 'Rosa', topic: 'product_news' },
    });
    expect(signUp.status).toBe(200);
    const contactId: string = signUp.body.contactId;
    expect((await engine.get(`/v1/contacts/${contactId}/subscriptions`)).body.subscriptions).toEqual([
      expect.objectContaining({ topic: 'product_news', status: 'pending', source: 'event:newsletter_subscribed', confirmedAt: null }),
    ]);

    const [mail] = await engine.smtp.waitFor((message) => message.to.includes('rosa@example.com') && message.subject === 'Please confirm your subscription');
    const confirmPath = new URL(/href="([^"]*\/confirm\/[^"]+)"/.exec(mail!.html)![1]!).pathname;
    expect((await fetch(`${engine.baseUrl}${confirmPath}`, { method: 'POST' })).status).toBe(200);
    expect((await engine.get(`/v1/contacts/${contactId}/subscriptions`)).body.subscriptions).toEqual(expect.arrayContaining([expect.objectContaining({ topic: 'product_news', status: 'subscribed', source: 'double-opt-in' })]));
  });

  it('refuses a sign-up naming an impossible topic, with the field and the reason, and stores nothing', async () => {
    const response = await engine.post('/v1/track', { type: 'track', event: 'newsletter_subscribed', anonymousId: 'visitor-sam', messageId: 'sam-signup', properties: { email: 'sam@example.com', topic: 'Weekly News!' } });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'properties.topic' })]);
    expect(await engine.database.db.selectFrom('events').select('id').where('message_id', '=', 'sam-signup').execute()).toEqual([]);
  });
});
