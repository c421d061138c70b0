import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJourneyActivities } from '../../activities/journey.activities.js';
import { storeEvents } from '../../db/ingestion/index.js';
import { ScoringModelStore } from '../../db/scoring.repository.js';
import { normalizeEvent, type InboundEvent } from '../../domain/events.js';
import { compileScoringModel, defaultScoringModel } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Contact changes that do not come from an API event still take the one path every change takes:
// a merge that moves a stage emits `stage_changed` like any stage move, and a journey's set_trait
// updates what an identify would (the e-mail column, fit, the audit).
describe('one write path for contact changes', () => {
  let database: TestDatabase;
  const model = compileScoringModel(defaultScoringModel);
  const now = new Date('2026-11-20T12:00:00.000Z');
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const store = (events: InboundEvent[]) => storeEvents(database.db, events.map((event) => normalizeEvent(event, now)), model, now);
  const contactOf = async (kind: 'user' | 'anonymous', value: string) => {
    const { contact_id } = await database.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', kind).where('value', '=', value).executeTakeFirstOrThrow();
    return contact_id;
  };

  it('emits stage_changed when a merge carries a profile further down the funnel', async () => {
    await store([
      { type: 'track', event: 'page_viewed', anonymousId: 'device-7', messageId: 'merge-1', properties: {} },
      { type: 'track', event: 'page_viewed', userId: 'user-7', messageId: 'merge-2', properties: {} },
    ]);
    const [device, user] = [await contactOf('anonymous', 'device-7'), await contactOf('user', 'user-7')];
    expect(device).not.toBe(user);
    // The device's profile was already qualified; the signed-in one is a plain lead.
    await database.db.updateTable('contacts').set({ stage: 'mql' }).where('id', '=', device).execute();
    await database.db.updateTable('contacts').set({ stage: 'lead' }).where('id', '=', user).execute();

    const { outboxIds } = await store([{ type: 'identify', userId: 'user-7', anonymousId: 'device-7', messageId: 'merge-3', traits: { email: 'seven@example.com' } }]);
    const survivor = await contactOf('user', 'user-7');
    expect(await contactOf('anonymous', 'device-7')).toBe(survivor);
    const row = await database.db.selectFrom('contacts').select(['stage']).where('id', '=', survivor).executeTakeFirstOrThrow();
    // The merge carried the signed-in profile to MQL; in the same batch scoring took it back to lead
    // (its engagement is far under the threshold). Both are stage moves, both emit stage_changed.
    expect(row.stage).toBe('lead');
    const transitions = await database.db.selectFrom('stage_transitions').select(['id', 'from_stage', 'to_stage', 'actor']).where('contact_id', '=', survivor).orderBy('id').execute();
    expect(transitions.map(({ from_stage, to_stage, actor }) => ({ from_stage, to_stage, actor }))).toEqual([
      { from_stage: 'lead', to_stage: 'mql', actor: 'identity' },
      { from_stage: 'mql', to_stage: 'lead', actor: 'scoring' },
    ]);
    const stageEvents = await database.db.selectFrom('events').select(['message_id', 'properties']).where('contact_id', '=', survivor).where('type', '=', 'stage_changed').orderBy('id').execute();
    expect(stageEvents.map((event) => event.message_id)).toEqual(transitions.map((transition) => `stage-transition:${transition.id}`));
    expect(stageEvents[0]?.properties).toEqual(expect.objectContaining({ from: 'lead', to: 'mql' }));
    // Like any stage move, it is handed to Temporal (a journey entered at MQL, the hand-off).
    const intents = await database.db.selectFrom('orchestration_outbox').select(['kind', 'payload']).where('id', 'in', outboxIds.length > 0 ? outboxIds : [-1]).execute();
    expect(intents.some((intent) => intent.kind === 'stage_changed' && (intent.payload as { to?: string }).to === 'mql')).toBe(true);
  });

  it('lets a journey set_trait change the e-mail column, fit and the audit, as an identify would', async () => {
    // A CEO by the form they filled in: worth fit points (title-ceo in the default model).
    await store([{ type: 'identify', userId: 'user-8', messageId: 'trait-1', traits: { email: 'old@example.com', jobTitle: 'CEO' } }]);
    const contactId = await contactOf('user', 'user-8');
    const before = await database.db.selectFrom('contacts').select(['email', 'fit_points']).where('id', '=', contactId).executeTakeFirstOrThrow();

    const journeys = createJourneyActivities({ db: database.db, models: new ScoringModelStore(database.db) });
    const base = { contactId, journeyId: 'j-1', nodeId: 'set', at: now.toISOString() };
    expect(await journeys.setContactTrait({ ...base, trait: 'email', value: 'new@example.com' })).toEqual({ outcome: 'applied' });
    // The journey records a new job title: fit follows (a value a journey set is not declared data, so it scores nothing).
    expect(await journeys.setContactTrait({ ...base, trait: 'jobTitle', value: 'Intern' })).toEqual({ outcome: 'applied' });
    expect(await journeys.setContactTrait({ ...base, trait: 'jobTitle', value: 'Intern' })).toEqual({ outcome: 'unchanged' });

    const after = await database.db.selectFrom('contacts').select(['email', 'fit_points']).where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(after.email).toBe('new@example.com');
    expect(before.fit_points).toBeGreaterThan(0);
    expect(after.fit_points).toBe(0);
    const audit = await database.db.selectFrom('trait_changes').select(['trait', 'outcome', 'actor']).where('contact_id', '=', contactId).where('actor', 'like', 'journey%').execute();
    expect(audit).toEqual([
      { trait: 'email', outcome: 'applied', actor: 'journey j-1 node set' },
      { trait: 'jobTitle', outcome: 'applied', actor: 'journey j-1 node set' },
    ]);
  });
});
