import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRecipients, CANCELLED, createNewsletter, recipientCounts, recordRecipientOutcomes, skipQueued } from '../../db/newsletter.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { insertSubscribers } from '../support/subscribers.js';

describe('newsletter recipient outcomes', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('counts a copy that went out after a cancel as sent, and nothing else the cancel skipped', async () => {
    await insertSubscribers(database.db, { cohort: 'late', count: 3 });
    const contacts = (await database.db.selectFrom('contacts').select('id').where('email', 'like', 'late-%').orderBy('id').execute()).map((row) => row.id);
    const newsletter = await createNewsletter(database.db, { name: 'Late', template: 'newsletter-digest', topic: 'newsletter', audience: {}, schedule: { kind: 'now' } });
    const now = new Date();
    await addRecipients(database.db, newsletter.id, contacts.map((contactId) => ({ contactId, status: 'queued', reason: null, sendAt: now })));

    // A cancel counts everyone still queued; then a page attempt Temporal had given up on reports the
    // copy it was finishing for the first recipient, and a skip for the second.
    expect(await skipQueued(database.db, newsletter.id, CANCELLED)).toBe(3);
    await recordRecipientOutcomes(database.db, newsletter.id, [
      { contactId: contacts[0]!, outcome: { status: 'sent', emailId: 'e-late-0' } },
      { contactId: contacts[1]!, outcome: { status: 'skipped', reason: 'unsubscribed', emailId: 'e-late-1' } },
    ]);
    expect(await recipientCounts(database.db, newsletter.id)).toMatchObject({ total: 3, queued: 0, sent: 1, skipped: { cancelled: 2 }, failed: 0 });
  });
});
