import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEvents } from '../../db/ingestion/index.js';
import { normalizeEvent, type InboundEvent } from '../../domain/events.js';
import { compileScoringModel, defaultScoringModel, type CompiledScoringModel } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Group and alias calls on the ingestion path, against a real database: the account and its members,
// the `account.` traits every member carries (and the fit they feed), and the alias merge.
describe('accounts and aliases on the ingestion path', () => {
  let database: TestDatabase;
  let model: CompiledScoringModel;
  beforeAll(async () => {
    database = await createTestDatabase();
    model = compileScoringModel({
      ...defaultScoringModel,
      version: 2,
      fit: { ...defaultScoringModel.fit, rules: [...defaultScoringModel.fit.rules, { id: 'account-big', trait: 'account.employees', op: 'gte', value: 200, points: 40 }] },
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const now = new Date('2026-11-20T12:00:00.000Z');
  const at = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  const store = (events: InboundEvent[]) =>
    storeEvents(
      database.db,
      events.map((event) => normalizeEvent(event, now)),
      model,
      now,
    );
  const group = (userId: string, groupId: string, messageId: string, traits: Record<string, unknown>, timestamp = at(10)): InboundEvent => ({ type: 'group', userId, groupId, messageId, traits, timestamp });
  const contact = async (userId: string) => {
    const { contact_id } = await database.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', 'user').where('value', '=', userId).executeTakeFirstOrThrow();
    return database.db.selectFrom('contacts').select(['id', 'traits', 'fit_points', 'merged_into']).where('id', '=', contact_id).executeTakeFirstOrThrow();
  };
  const valuesOf = (traits: Record<string, { value: unknown }>) => Object.fromEntries(Object.entries(traits).filter(([name]) => name.startsWith('account.')).map(([name, trait]) => [name, trait.value]));

  it('gives every member the account traits a later call changes, and their fit follows', async () => {
    await store([group('ac-ann', 'ac-initech', 'ac-1', { name: 'Initech', employees: 50 }, at(30)), group('ac-bob', 'ac-initech', 'ac-2', {}, at(20))]);
    expect(valuesOf((await contact('ac-bob')).traits)).toEqual({ 'account.id': 'ac-initech', 'account.name': 'Initech', 'account.employees': 50 });
    expect((await contact('ac-ann')).fit_points).toBe(0);

    // Ann's next call says the company grew: Bob, who sent nothing, carries it too, and both fit.
    await store([group('ac-ann', 'ac-initech', 'ac-3', { employees: 300 }, at(5))]);
    for (const user of ['ac-ann', 'ac-bob']) {
      const row = await contact(user);
      expect(valuesOf(row.traits), user).toEqual({ 'account.id': 'ac-initech', 'account.name': 'Initech', 'account.employees': 300 });
      expect(row.fit_points, user).toBe(40);
    }
    const account = await database.db.selectFrom('accounts').select('traits').where('id', '=', 'ac-initech').executeTakeFirstOrThrow();
    expect(valuesOf(Object.fromEntries(Object.entries(account.traits).map(([name, trait]) => [`account.${name}`, trait])))).toEqual({ 'account.name': 'Initech', 'account.employees': 300 });
    const members = await database.db.selectFrom('account_members').select('contact_id').where('account_id', '=', 'ac-initech').execute();
    expect(members).toHaveLength(2);
    // Each change audited, with the call that caused it.
    const audit = await database.db.selectFrom('trait_changes').select(['trait', 'actor']).where('contact_id', '=', (await contact('ac-bob')).id).where('trait', '=', 'account.employees').orderBy('id').execute();
    expect(audit).toEqual([{ trait: 'account.employees', actor: 'event:ac-2' }, { trait: 'account.employees', actor: 'event:ac-3' }]);
  });

  it('converges on the newest values whatever the order of arrival, and clears what a contact that moved carried from its old account', async () => {
    // The older call arrives last: it changes nothing.
    await store([group('ac-cat', 'ac-hooli', 'ac-10', { name: 'Hooli', employees: 5000, plan: 'enterprise' }, at(8))]);
    await store([group('ac-cat', 'ac-hooli', 'ac-11', { employees: 10 }, at(9))]);
    expect(valuesOf((await contact('ac-cat')).traits)).toEqual({ 'account.id': 'ac-hooli', 'account.name': 'Hooli', 'account.employees': 5000, 'account.plan': 'enterprise' });

    // Cat moves to a company that declares no plan: she no longer carries Hooli's.
    await store([group('ac-cat', 'ac-piedpiper', 'ac-12', { name: 'Pied Piper', employees: 12 }, at(1))]);
    const cat = await contact('ac-cat');
    expect(valuesOf(cat.traits)).toEqual({ 'account.id': 'ac-piedpiper', 'account.name': 'Pied Piper', 'account.employees': 12, 'account.plan': null });
    expect(cat.fit_points).toBe(0);
    // Membership rows keep both accounts; Hooli's traits changing no longer touch her.
    expect((await database.db.selectFrom('account_members').select('account_id').where('contact_id', '=', cat.id).orderBy('account_id').execute()).map((row) => row.account_id)).toEqual(['ac-hooli', 'ac-piedpiper']);
    await store([group('ac-dan', 'ac-hooli', 'ac-13', { name: 'Hooli XYZ' }, at(0))]);
    expect(valuesOf((await contact('ac-cat')).traits)['account.name']).toBe('Pied Piper');
  });

  it('merges an aliased anonymous profile into the user, memberships included, and an alias names a previous user id as well', async () => {
    await store([
      { type: 'page', anonymousId: 'ac-device', messageId: 'ac-20', properties: { path: '/pricing' }, timestamp: at(30) },
      { type: 'group', anonymousId: 'ac-device', groupId: 'ac-umbrella', messageId: 'ac-21', traits: { name: 'Umbrella', employees: 900 }, timestamp: at(29) },
    ]);
    await store([{ type: 'identify', userId: 'ac-eve', messageId: 'ac-22', traits: { email: 'eve@umbrella.example' }, timestamp: at(20) }]);
    const anonymous = (await database.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', 'anonymous').where('value', '=', 'ac-device').executeTakeFirstOrThrow()).contact_id;
    const eve = await contact('ac-eve');
    expect(anonymous).not.toBe(eve.id);

    const [outcome] = (await store([{ type: 'alias', previousId: 'ac-device', userId: 'ac-eve', messageId: 'ac-23', timestamp: at(10) }])).outcomes;
    expect(outcome).toEqual({ messageId: 'ac-23', contactId: eve.id, stored: true });
    expect((await database.db.selectFrom('contacts').select('merged_into').where('id', '=', anonymous).executeTakeFirstOrThrow()).merged_into).toBe(eve.id);
    const merged = await contact('ac-eve');
    expect(valuesOf(merged.traits)).toMatchObject({ 'account.id': 'ac-umbrella', 'account.employees': 900 });
    expect(merged.fit_points).toBe(40);
    expect(await database.db.selectFrom('account_members').select(['account_id', 'contact_id']).where('account_id', '=', 'ac-umbrella').execute()).toEqual([{ account_id: 'ac-umbrella', contact_id: eve.id }]);

    // A user id that changes (the site re-keys its users): the old one now names the same person.
    await store([{ type: 'alias', previousId: 'ac-eve', userId: 'ac-eve-2', messageId: 'ac-24' }]);
    expect((await contact('ac-eve-2')).id).toBe(eve.id);
    const [later] = (await store([{ type: 'track', event: 'cart_updated', userId: 'ac-eve', messageId: 'ac-25', properties: {} }])).outcomes;
    expect(later?.contactId).toBe(eve.id);
  });
});
