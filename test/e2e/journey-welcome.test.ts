import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyWorkflowId, welcomeWorkflowId } from '../../workflows/ids.js';
import { startEngine, type RunningEngine } from '../helpers/engine.js';

// Demo requests enter a nurture-like journey whose first node is the welcome e-mail.
const demoNurture = {
  schemaVersion: 1,
  id: 'demo-nurture',
  name: 'Demo nurture',
  entry: { kind: 'event', event: 'form_submitted', where: [{ path: 'properties.form', op: 'eq', value: 'demo' }] },
  start: 'welcome',
  nodes: {
    welcome: { type: 'send_email', template: 'welcome', next: 'done' },
    done: { type: 'exit' },
  },
};

// Guide requests enter a journey that sends no welcome of its own.
const guideRelay = {
  ...demoNurture,
  id: 'guide-relay',
  name: 'Guide relay',
  entry: { kind: 'event', event: 'form_submitted', where: [{ path: 'properties.form', op: 'eq', value: 'guide' }] },
  nodes: { welcome: { type: 'send_email', template: 'nurture-guide-1', next: 'done' }, done: { type: 'exit' } },
};

describe('one welcome per sign-up: the built-in welcome e-mail or the journey that admits the sign-up', () => {
  let engine: RunningEngine;
  const admin = () => ({ authorization: `Bearer ${engine.keys.admin}` });

  beforeAll(async () => {
    engine = await startEngine();
    for (const definition of [demoNurture, guideRelay]) {
      expect((await engine.post('/v1/journeys', { definition }, admin())).status).toBe(201);
      expect((await engine.post(`/v1/journeys/${definition.id}/publish`, {}, admin())).status).toBe(200);
    }
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const signUp = (name: string, form: string) =>
    engine.post('/v1/track', { type: 'track', event: 'form_submitted', userId: name, messageId: `signup-${name}`, properties: { email: `${name}@example.com`, firstName: name, form } });
  const mailsTo = async (address: string) => ((await engine.get('/dev/mailbox', {})).body.messages as { to: string[]; subject: string }[]).filter((mail) => mail.to.includes(address));

  it('sends only the journey’s welcome to a sign-up the journey admits', async () => {
    const response = await signUp('fay', 'demo');
    expect(response.status).toBe(200);
    const contactId = response.body.contactId as string;
    const run = await engine.temporal.client.workflow.getHandle(journeyWorkflowId(demoNurture.id, contactId)).result();
    expect(run).toMatchObject({ status: 'completed' });
    await engine.smtp.waitFor((mail) => mail.to.includes('fay@example.com'));

    // The welcome intent is handed over and settled without starting the built-in workflow.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const pending = await engine.database.db.selectFrom('orchestration_outbox').select('id').where('kind', '=', 'welcome').where('dispatched_at', 'is', null).execute();
      if (pending.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await expect(engine.temporal.client.workflow.getHandle(welcomeWorkflowId(contactId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await mailsTo('fay@example.com')).map((mail) => mail.subject)).toEqual(['Welcome, fay!']);
  });

  it('still sends the built-in welcome to a sign-up no welcoming journey admits', async () => {
    const response = await signUp('gus', 'guide');
    expect(response.status).toBe(200);
    const contactId = response.body.contactId as string;
    // The guide journey admitted gus and sent its guide; the welcome is still the built-in one's.
    expect(await engine.temporal.client.workflow.getHandle(journeyWorkflowId(guideRelay.id, contactId)).result()).toMatchObject({ status: 'completed' });
    await engine.temporal.client.workflow.getHandle(welcomeWorkflowId(contactId)).result();
    expect((await mailsTo('gus@example.com')).map((mail) => mail.subject).sort()).toEqual(['Welcome, gus!', 'Your first guide, gus']);
  });
});
