import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../domain/events.js';
import { declaredTraitsOf, identitiesOf, identityKey, identityOfKey, mergeProfiles, planIdentities } from '../../domain/identity.js';
import { newsletterSignUps, signUpChanges } from '../../domain/sign-ups.js';

const event = (overrides: Partial<NormalizedEvent>): NormalizedEvent => ({
  messageId: 'm',
  type: 'page_viewed',
  userId: null,
  anonymousId: null,
  occurredAt: '2026-01-01T10:00:00.000Z',
  receivedAt: '2026-01-01T10:00:00.000Z',
  properties: {},
  traits: {},
  context: {},
  ...overrides,
});

/** New contact ids in the order the plan asks for them. */
const ids = () => {
  let next = 0;
  return () => `new-${(next += 1)}`;
};

const plan = (events: NormalizedEvent[], stored: Record<string, string> = {}) => planIdentities(events.map(identitiesOf), new Map(Object.entries(stored)), ids());

describe('identitiesOf', () => {
  it('lists user id, e-mail, anonymous id, strongest first', () => {
    const identify = event({ type: 'identified', anonymousId: 'a-1', userId: 'u-1', traits: { email: 'Ada@Example.com' } });
    expect(identitiesOf(identify)).toEqual([
      { kind: 'user', value: 'u-1' },
      { kind: 'email', value: 'ada@example.com' },
      { kind: 'anonymous', value: 'a-1' },
    ]);
    expect(identitiesOf(event({ anonymousId: 'a-1', properties: { email: 'not an address' } }))).toEqual([{ kind: 'anonymous', value: 'a-1' }]);
  });

  it('claims an alias previous id as a user id and an anonymous id, after the user id', () => {
    expect(identitiesOf(event({ type: 'aliased', userId: 'u-2', properties: { previousId: 'old' } })).map(identityKey)).toEqual(['user:u-2', 'user:old', 'anonymous:old']);
  });

  it('keys an identifier so its value may hold a colon', () => {
    expect(identityOfKey(identityKey({ kind: 'user', value: 'crm:42' }))).toEqual({ kind: 'user', value: 'crm:42' });
  });
});

describe('planIdentities', () => {
  it('gives an event naming no stored identifier a new contact, and the batch events after it find it', () => {
    const result = plan([event({ anonymousId: 'a-1' }), event({ type: 'identified', anonymousId: 'a-1', traits: { email: 'ada@example.com' } })]);
    expect(result.contactOfEvent).toEqual(['new-1', 'new-1']);
    expect([...result.created]).toEqual(['new-1']);
    expect(result.merges).toEqual([]);
  });

  it('merges an anonymous profile into the known one an identify names, with the reason', () => {
    const result = plan([event({ type: 'identified', anonymousId: 'a-1', userId: 'u-1' })], { 'anonymous:a-1': 'anon', 'user:u-1': 'ada' });
    expect(result.contactOfEvent).toEqual(['ada']);
    expect(result.merges).toEqual([{ from: 'anon', into: 'ada', reason: 'anonymous a-1 identified as user u-1' }]);
    expect(result.survivorOf('anon')).toBe('ada');
    expect(result.created.size).toBe(0);
  });

  it('keeps the user-id profile when two known profiles share an e-mail', () => {
    const result = plan([event({ type: 'identified', userId: 'u-1', traits: { email: 'ada@example.com' } })], { 'email:ada@example.com': 'by-email', 'user:u-1': 'by-user' });
    expect(result.merges).toEqual([{ from: 'by-email', into: 'by-user', reason: 'email ada@example.com identified as user u-1' }]);
  });

  it('makes one person of two anonymous ids that identify as the same user', () => {
    const result = plan(
      [event({ type: 'identified', anonymousId: 'phone', userId: 'u-1' }), event({ type: 'identified', anonymousId: 'laptop', userId: 'u-1' })],
      { 'anonymous:phone': 'p', 'anonymous:laptop': 'l' },
    );
    expect(result.contactOfEvent).toEqual(['p', 'p']);
    expect(result.merges).toEqual([{ from: 'l', into: 'p', reason: 'anonymous laptop identified as user u-1' }]);
  });

  it('sends every merge to the final survivor when a later event merges the survivor in turn', () => {
    const result = plan(
      [event({ type: 'identified', anonymousId: 'a-1', traits: { email: 'ada@example.com' } }), event({ type: 'identified', userId: 'u-1', traits: { email: 'ada@example.com' } })],
      { 'anonymous:a-1': 'anon', 'email:ada@example.com': 'mail', 'user:u-1': 'user' },
    );
    expect(result.merges).toEqual([
      { from: 'anon', into: 'user', reason: 'anonymous a-1 identified as email ada@example.com' },
      { from: 'mail', into: 'user', reason: 'email ada@example.com identified as user u-1' },
    ]);
    expect(result.contactOfEvent).toEqual(['user', 'user']);
    expect(result.survivorOf('anon')).toBe('user');
  });

  it('resolves conflicting identities by strength, an alias keeping the new user id', () => {
    const result = plan([event({ type: 'aliased', userId: 'u-new', properties: { previousId: 'u-old' } })], { 'user:u-old': 'old', 'user:u-new': 'new' });
    expect(result.merges).toEqual([{ from: 'old', into: 'new', reason: 'user u-old identified as user u-new' }]);
    expect(result.survivorOf('unrelated')).toBe('unrelated');
  });
});

describe('mergeProfiles', () => {
  const at = (iso: string) => ({ value: 'x', source: 'form' as const, updatedAt: iso });

  it('takes the further stage, the newer value and activity, and says why the stage moved', () => {
    const merged = mergeProfiles(
      { traits: { email: { ...at('2026-01-02T00:00:00.000Z'), value: 'ada@example.com' } }, stage: 'lead', lastActivityAt: new Date('2026-01-01T00:00:00Z') },
      { traits: { email: { ...at('2026-01-01T00:00:00.000Z'), value: 'old@example.com' }, company: at('2026-01-01T00:00:00.000Z') }, stage: 'mql', lastActivityAt: new Date('2026-01-03T00:00:00Z') },
      'anon',
    );
    expect(merged.email).toBe('ada@example.com');
    expect(merged.traits['company']?.value).toBe('x');
    expect(merged.stage).toBe('mql');
    expect(merged.stageMove).toEqual({ from: 'lead', to: 'mql', reason: 'merged with profile anon, which was mql' });
    expect(merged.lastActivityAt).toEqual(new Date('2026-01-03T00:00:00Z'));
  });

  it('moves no stage when the survivor is as far along', () => {
    const merged = mergeProfiles({ traits: {}, stage: 'customer', lastActivityAt: null }, { traits: {}, stage: 'lead', lastActivityAt: null }, 'anon');
    expect(merged).toMatchObject({ stage: 'customer', stageMove: undefined, email: null, lastActivityAt: null });
  });
});

describe('declaredTraitsOf', () => {
  it('reads identify traits and a sign-up form’s person fields, nothing from other events', () => {
    expect(declaredTraitsOf(event({ type: 'identified', traits: { firstName: 'Ada', email: 'ADA@example.com' } }))).toEqual({ firstName: 'Ada', email: 'ada@example.com' });
    expect(declaredTraitsOf(event({ type: 'form_submitted', properties: { email: 'ada@example.com', firstName: 'Ada', plan: 'pro' } }))).toEqual({ firstName: 'Ada', email: 'ada@example.com' });
    expect(declaredTraitsOf(event({ type: 'order_completed', properties: { email: 'ada@example.com' } }))).toEqual({});
  });
});

describe('newsletter sign-ups', () => {
  it('collect topics per contact with an address, the default topic when none is named', () => {
    const events = [event({ type: 'newsletter_subscribed', properties: { topic: 'promotions' } }), event({ type: 'newsletter_subscribed' }), event({ type: 'newsletter_subscribed' })];
    const signUps = newsletterSignUps(events, ['ada', 'ada', 'nobody'], new Set(['ada']));
    expect([...signUps]).toEqual([['ada', new Set(['promotions', 'newsletter'])]]);
  });

  it('ask for consent anew except where confirmed, pending under double opt-in', () => {
    expect(signUpChanges(new Set(['newsletter', 'promotions']), new Set(['newsletter']), true)).toEqual([{ topic: 'promotions', status: 'pending' }]);
    expect(signUpChanges(new Set(['promotions']), new Set(), false)).toEqual([{ topic: 'promotions', status: 'subscribed' }]);
  });
});
