import { describe, expect, it } from 'vitest';
import { memberTraitsOf } from '../../domain/accounts.js';
import { InboundEvent, normalizeEvent } from '../../domain/events.js';
import { routeLead, RoutingRules, type LeadForRouting } from '../../domain/handoff/index.js';
import type { Traits } from '../../domain/traits.js';

const paths = (input: unknown) => InboundEvent.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('the group and alias calls', () => {
  it('parse as Segment sends them and are stored as grouped and aliased', () => {
    const receivedAt = new Date('2026-01-01T10:00:00.000Z');
    const group = InboundEvent.parse({ type: 'group', userId: 'u-1', groupId: 'acme', messageId: 'g-1', traits: { name: 'Acme', employees: 500 } });
    expect(normalizeEvent(group, receivedAt)).toMatchObject({ type: 'grouped', userId: 'u-1', properties: { groupId: 'acme' }, traits: { name: 'Acme', employees: 500 } });
    const alias = InboundEvent.parse({ type: 'alias', previousId: 'anon-1', userId: 'u-1', messageId: 'a-1' });
    expect(normalizeEvent(alias, receivedAt)).toMatchObject({ type: 'aliased', userId: 'u-1', anonymousId: null, properties: { previousId: 'anon-1' }, traits: {} });
  });

  it('name each missing or wrong field', () => {
    expect(paths({ type: 'group', userId: 'u', messageId: 'g' })).toEqual(['groupId: Invalid input: expected string, received undefined']);
    expect(paths({ type: 'group', groupId: 'acme', messageId: 'g' })).toEqual(['userId: userId or anonymousId is required']);
    expect(paths({ type: 'alias', previousId: 'anon', anonymousId: 'anon', messageId: 'a' })).toEqual(['userId: Invalid input: expected string, received undefined']);
    expect(paths({ type: 'alias', userId: 'u', previousId: '', messageId: 'a' })).toEqual(['previousId: Too small: expected string to have >=1 characters']);
  });

  it('keep their stored names from track events, which could otherwise pass for them', () => {
    expect(paths({ type: 'track', event: 'aliased', userId: 'u', messageId: 't', properties: { previousId: 'someone-else' } })).toEqual([
      'event: reserved: "grouped" and "aliased" are what the group and alias calls are stored as',
    ]);
    expect(InboundEvent.safeParse({ type: 'track', event: 'identified', userId: 'u', messageId: 't' }).success).toBe(true);
  });

  it("take RudderStack's originalTimestamp as the device time, corrected by its sentAt", () => {
    const event = InboundEvent.parse({ type: 'track', event: 'x', userId: 'u', messageId: 'r', originalTimestamp: '2026-01-01T09:00:00.000Z', sentAt: '2026-01-01T09:00:10.000Z' });
    expect(normalizeEvent(event, new Date('2026-01-01T10:00:10.000Z')).occurredAt).toBe('2026-01-01T10:00:00.000Z');
  });
});

describe("a member's account traits", () => {
  const trait = (value: unknown, source: Traits[string]['source'] = 'form') => ({ value, source, updatedAt: '2026-01-01T00:00:00.000Z' });
  const acme: Traits = { name: trait('Acme'), employees: trait(500), id: trait('not-the-id') };

  it('are the account traits under account.<name>, with the group id as account.id', () => {
    expect(memberTraitsOf('acme', acme, {})).toEqual({ 'account.name': 'Acme', 'account.employees': 500, 'account.id': 'acme' });
  });

  it("clear what a contact carries from another account, except a rep's value", () => {
    const member: Traits = { email: trait('a@b.c'), 'account.id': trait('initech'), 'account.plan': trait('pro'), 'account.owner': trait('olga@seller.test', 'sales') };
    expect(memberTraitsOf('acme', acme, member)).toEqual({ 'account.id': 'acme', 'account.plan': null, 'account.name': 'Acme', 'account.employees': 500 });
    // Still in the same account: nothing of it is cleared.
    expect(memberTraitsOf('acme', acme, { 'account.id': trait('acme'), 'account.plan': trait('pro') })).not.toHaveProperty('account.plan');
  });
});

describe('routing by account', () => {
  const rules = RoutingRules.parse({
    accounts: [{ owner: 'olga@seller.test', accountIds: ['acct-42'] }, { owner: 'omar@seller.test', companies: ['Globex'], domains: ['globex.com'] }],
    fallbackQueue: 'sales-queue@seller.test',
    sla: { businessHours: { timeZone: 'Europe/Paris' } },
  });
  const reps = ['olga@seller.test', 'omar@seller.test', 'paul@seller.test'].map((email) => ({ email, available: true, capacity: 10, openLeads: 0, territories: [] }));
  const lead = (account: LeadForRouting['account']): LeadForRouting => ({ email: 'x@gmail.example', company: null, website: null, country: null, region: null, postcode: null, account });

  it("gives a member of an owned account to its owner, by the account's id, name or website", () => {
    expect(routeLead(rules, lead({ id: 'acct-42', name: null, website: null }), reps, {}).rule).toEqual({ kind: 'account', reason: 'account owner of account acct-42' });
    expect(routeLead(rules, lead({ id: 'acct-7', name: 'Globex', website: null }), reps, {})).toMatchObject({ owner: 'omar@seller.test', rule: { reason: 'account owner of company Globex' } });
    expect(routeLead(rules, lead({ id: 'acct-7', name: null, website: 'https://www.globex.com/about' }), reps, {}).rule).toEqual({ kind: 'account', reason: 'account owner of domain globex.com' });
    expect(routeLead(rules, lead(null), reps, {}).rule.kind).toBe('round_robin');
  });

  it('refuses an account entry that names nothing to match', () => {
    const result = RoutingRules.safeParse({ accounts: [{ owner: 'olga@seller.test' }], fallbackQueue: 'q@seller.test', sla: { businessHours: { timeZone: 'Europe/Paris' } } });
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['accounts.0: an account needs at least one company name, domain or account id']);
  });
});
