// A crowd entering a journey together goes through its send node with local activities (the visit,
// the e-mail, the visit, in one workflow task): what stays true on that path is what a user sees —
// a contact who unsubscribed after entering gets nothing, and a send retried after the SMTP server
// accepted the message sends no second copy.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSubscriptions } from '../../db/consent.repository.js';
import { journey, pathOf, startJourneyHarness, type JourneyHarness } from './journey-harness.js';

describe('journey send nodes on local activities', () => {
  let h: JourneyHarness;
  beforeAll(async () => {
    h = await startJourneyHarness('journey-local-steps');
    // Refuses the first write of `sent` (the one after SMTP accepted, with no error) for listed addresses:
    // the attempt fails after the message left. The retry's write (outcome unknown) goes through.
    await sql`create table fail_sent_for (address text primary key)`.execute(h.database.db);
    await sql`create function fail_first_sent() returns trigger language plpgsql as $$
      begin
        if new.status = 'sent' and old.status = 'sending' and new.last_error is null and exists (select 1 from fail_sent_for where address = new.to_address) then
          raise exception 'database went away while recording the send';
        end if;
        return new;
      end $$`.execute(h.database.db);
    await sql`create trigger fail_first_sent before update on email_messages for each row execute function fail_first_sent()`.execute(h.database.db);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const digest = journey({
    schemaVersion: 1,
    id: 'crowd-digest',
    name: 'Crowd digest',
    entry: { kind: 'event', event: 'form_submitted' },
    start: 'soon',
    nodes: {
      soon: { type: 'delay', wait: { kind: 'duration', duration: '1 hour' }, next: 'news' },
      news: { type: 'send_email', template: 'product-news', next: 'done' },
      done: { type: 'exit' },
    },
  });

  it('checks consent right before each send: of a crowd entering together, the one who unsubscribed in between gets nothing', async () => {
    const names = ['amy', 'ben', 'cal', 'dot', 'eve', 'fay'];
    const contacts = await Promise.all(names.map((name) => h.contact(name, { email: `${name}@example.com`, firstName: name })));
    const handles = await Promise.all(contacts.map((contactId) => h.start(digest, contactId)));
    await Promise.all(handles.map((handle) => h.until(handle, (s) => s.currentNodeId === 'soon', 'the delay')));
    // After entering, before the send node: dot unsubscribes from the topic.
    await setSubscriptions(h.database.db, contacts[3]!, [{ topic: 'product_news', status: 'unsubscribed' }], 'test', new Date());

    await h.env.sleep('1 hour');
    await Promise.all(handles.map((handle) => h.result(handle)));
    for (const name of names.filter((name) => name !== 'dot')) expect(h.mailsTo(`${name}@example.com`), name).toHaveLength(1);
    expect(h.mailsTo('dot@example.com')).toEqual([]);
    expect(pathOf(await h.visits(handles[3]!.workflowId))).toEqual(['soon:entered', 'soon:completed', 'news:entered', 'news:skipped', 'done:entered', 'done:completed']);
    expect(pathOf(await h.visits(handles[0]!.workflowId))).toEqual(['soon:entered', 'soon:completed', 'news:entered', 'news:completed', 'done:entered', 'done:completed']);
    const held = await h.database.db.selectFrom('email_messages').select(['status', 'skip_reason']).where('contact_id', '=', contacts[3]!).execute();
    expect(held).toEqual([{ status: 'skipped', skip_reason: expect.stringContaining('unsubscribed') }]);

    // The path this file is about: the send and the visits ran as local activities, no activity task.
    const events = (await handles[0]!.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.activityTaskScheduledEventAttributes != null)).toEqual([]);
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity').length).toBeGreaterThanOrEqual(7);
  });

  it('sends one copy when the send is retried after the SMTP server accepted it', async () => {
    const welcome = journey({
      schemaVersion: 1,
      id: 'retried-welcome',
      name: 'Retried welcome',
      entry: { kind: 'event', event: 'form_submitted' },
      start: 'hello',
      nodes: { hello: { type: 'send_email', template: 'welcome', next: 'done' }, done: { type: 'exit' } },
    });
    const contactId = await h.contact('gus', { email: 'gus@example.com', firstName: 'Gus' });
    await sql`insert into fail_sent_for values ('gus@example.com')`.execute(h.database.db);
    const handle = await h.start(welcome, contactId);
    expect(await h.result(handle)).toEqual({ status: 'completed', lastNodeId: 'done' });

    expect(h.mailsTo('gus@example.com').map((m) => m.subject)).toEqual(['Welcome, Gus!']);
    // The retry found the row `sending` (the first attempt's copy is at the server) and did not send again.
    const rows = await h.database.db.selectFrom('email_messages').select(['status', 'attempts', 'last_error']).where('contact_id', '=', contactId).execute();
    expect(rows).toEqual([{ status: 'sent', attempts: 1, last_error: expect.stringContaining('outcome unknown') }]);
    expect(pathOf(await h.visits(handle.workflowId))).toEqual(['hello:entered', 'hello:completed', 'done:entered', 'done:completed']);
  });
});
