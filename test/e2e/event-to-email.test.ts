import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

describe('event to e-mail, end to end over HTTP', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const signUp = {
    type: 'track',
    event: 'form_submitted',
    anonymousId: 'a-1',
    messageId: 'm-1',
    properties: { email: 'ada@example.com', firstName: 'Ada' },
  };

  it('reports the database and Temporal as healthy', async () => {
    const health = await engine.get('/health', {});
    expect(health).toEqual({ status: 200, body: { status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } } });
  });

  it('turns a sign-up into one stored event and one personalised welcome e-mail, even when posted twice', async () => {
    const first = await engine.post('/v1/track', signUp);
    const second = await engine.post('/v1/track', signUp);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ messageId: 'm-1', stored: true });
    expect(second).toEqual({ status: 200, body: { ...first.body, stored: false } });

    const [mail] = await engine.smtp.waitFor((message) => message.to.includes('ada@example.com'));
    expect(mail?.subject).toBe('Welcome, Ada!');
    expect(mail?.text).toContain('Hello Ada,');

    // The workflow is done, so any duplicate send would already have arrived.
    await engine.temporal.client.workflow.getHandle(welcomeWorkflowId(first.body.contactId)).result();
    const mailbox = await engine.get('/dev/mailbox', {});
    expect(mailbox.body.messages.filter((message: { to: string[] }) => message.to.includes('ada@example.com'))).toHaveLength(1);

    const events = await engine.database.db.selectFrom('events').select(['message_id', 'type', 'contact_id']).where('message_id', '=', 'm-1').execute();
    expect(events).toEqual([{ message_id: 'm-1', type: 'form_submitted', contact_id: first.body.contactId }]);
    const contact = await engine.database.db.selectFrom('contacts').selectAll().where('id', '=', first.body.contactId).executeTakeFirstOrThrow();
    expect(contact.email).toBe('ada@example.com');
    expect(contact.traits['firstName']).toMatchObject({ value: 'Ada', source: 'form' });
  });

  it('rejects a bad body with 400 naming the field, and stores nothing', async () => {
    const response = await engine.post('/v1/track', { ...signUp, messageId: 'm-bad', event: '' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'event' })]);
    const stored = await engine.database.db.selectFrom('events').select('id').where('message_id', '=', 'm-bad').execute();
    expect(stored).toEqual([]);
  });

  it('answers malformed JSON and a wrong content type with a clear 4xx', async () => {
    const malformed = await engine.post('/v1/track', '{"type":');
    expect(malformed.status).toBe(400);
    const wrongType = await engine.post('/v1/track', 'type=track', {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${engine.keys.write}`,
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toBeTypeOf('string');
  });

  it('refuses events without a valid write key, naming the reason and storing nothing', async () => {
    const event = { ...signUp, messageId: 'm-no-key' };
    const missing = await engine.post('/v1/track', event, {});
    expect(missing.status).toBe(401);
    const wrong = await engine.post('/v1/track', event, { authorization: 'Bearer rlw_00000000000000000000000000000000' });
    expect(wrong.status).toBe(401);
    // Segment's style: the write key as the Basic user name with an empty password.
    const basic = await engine.post('/v1/track', event, { authorization: `Basic ${Buffer.from(`${engine.keys.write}:`).toString('base64')}` });
    expect(basic.status).toBe(200);
    const stored = await engine.database.db.selectFrom('events').select('message_id').where('message_id', '=', 'm-no-key').execute();
    expect(stored).toHaveLength(1);
  });

  it('publishes an OpenAPI document generated from the schemas', async () => {
    const { status, body } = await engine.get('/openapi.json', {});
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const track = body.paths['/v1/track'].post;
    expect(track.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['type', 'event', 'messageId']));
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/health', '/v1/identify', '/v1/page', '/dev/mailbox']));
  });
});
