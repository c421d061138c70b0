// A subscriber inside a running journey clicks the one-click unsubscribe of its first e-mail: the
// journey's next e-mail is not sent, because consent is checked right before each send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

const RELAY = {
  schemaVersion: 1,
  id: 'news-relay',
  name: 'News relay',
  entry: { kind: 'event', event: 'guide_requested' },
  start: 'first',
  nodes: {
    first: { type: 'send_email', template: 'nurture-guide-1', topic: 'product_news', next: 'pause' },
    pause: { type: 'delay', wait: { kind: 'duration', duration: '3 seconds' }, next: 'second' },
    second: { type: 'send_email', template: 'nurture-guide-2', topic: 'product_news', next: 'done' },
    done: { type: 'exit' },
  },
};

describe('unsubscribing from inside a running journey', () => {
  let engine: RunningEngine;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });

  beforeAll(async () => {
    engine = await startEngine();
    expect((await engine.post('/v1/journeys', { definition: RELAY }, admin())).status).toBe(201);
    expect((await engine.post(`/v1/journeys/${RELAY.id}/publish`, {}, admin())).status).toBe(200);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('stops the next scheduled e-mail once the one-click link is posted; a tampered link changes nothing', async () => {
    const identify = await engine.post('/v1/identify', { type: 'identify', userId: 'u-lea', messageId: 'lea-1', traits: { email: 'lea@example.com', firstName: 'Lea', company: 'Acme' } });
    const contactId: string = identify.body.contactId;
    expect((await engine.put(`/v1/contacts/${contactId}/subscriptions`, { topics: { product_news: 'subscribed' } })).status).toBe(200);
    expect((await engine.post('/v1/track', { type: 'track', event: 'guide_requested', userId: 'u-lea', messageId: 'lea-2' })).status).toBe(200);

    // Marketing mail carries the one-click header (the welcome a sign-up gets is transactional).
    const fromJourney = (message: { to: string[]; headers: Record<string, string> }) => message.to.includes('lea@example.com') && message.headers['list-unsubscribe'] !== undefined;
    const [first] = await engine.smtp.waitFor(fromJourney);
    const unsubscribeUrl = /^<([^>]+)>/.exec(first!.headers['list-unsubscribe']!.replace(/\r?\n/g, ''))![1]!;
    const path = unsubscribeUrl.slice(engine.baseUrl.length);
    const oneClick = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };
    const tampered = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(`${engine.baseUrl}${tampered}`, oneClick)).status).toBe(403);
    expect((await fetch(`${engine.baseUrl}${path}`, oneClick)).status).toBe(200);

    // The run goes on through its delay to the second e-mail, which consent now holds back.
    const workflowId = journeyWorkflowId(RELAY.id, contactId);
    const result = await engine.temporal.client.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ status: 'completed', lastNodeId: 'done' });
    expect(engine.smtp.messages().filter(fromJourney)).toHaveLength(1);
    const visits = await engine.database.db.selectFrom('journey_node_visits').select(['node_id', 'outcome']).where('workflow_id', '=', workflowId).orderBy('id').execute();
    expect(visits.map((visit) => `${visit.node_id}:${visit.outcome}`)).toEqual(expect.arrayContaining(['first:completed', 'second:skipped']));
    const outbox = await engine.database.db
      .selectFrom('email_messages')
      .select(['template', 'status', 'skip_reason'])
      .where('contact_id', '=', contactId)
      .where('template', 'like', 'nurture-guide-%')
      .orderBy('created_at')
      .execute();
    expect(outbox).toEqual([
      { template: 'nurture-guide-1', status: 'sent', skip_reason: null },
      { template: 'nurture-guide-2', status: 'skipped', skip_reason: 'unsubscribed' },
    ]);
  });
});
