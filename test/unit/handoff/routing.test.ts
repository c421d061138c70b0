import { describe, expect, it } from 'vitest';
import { GENERAL_POOL, routeLead, RoutingRules, type LeadForRouting, type RepLoad } from '../../../domain/handoff/index.js';

const rules = RoutingRules.parse({
  accounts: [{ owner: 'olga@seller.test', companies: ['Acme'], domains: ['acme.com'] }],
  territories: [
    { id: 'paris', postcodePrefixes: ['75', '92'] },
    { id: 'dach', countries: ['de', 'AT', 'CH'] },
    { id: 'quebec', regions: ['Québec'] },
  ],
  fallbackQueue: 'sales-queue@seller.test',
  sla: { businessHours: { timeZone: 'Europe/Paris' } },
});

const lead = (overrides: Partial<LeadForRouting>): LeadForRouting => ({ email: 'x@example.com', company: null, website: null, country: null, region: null, postcode: null, ...overrides });
const rep = (email: string, overrides: Partial<RepLoad> = {}): RepLoad => ({ email, available: true, capacity: 10, openLeads: 0, territories: [], ...overrides });

const reps = [
  rep('olga@seller.test'),
  rep('paul@seller.test', { territories: ['paris'] }),
  rep('pia@seller.test', { territories: ['paris'] }),
  rep('dieter@seller.test', { territories: ['dach'] }),
];

describe('routeLead', () => {
  it('gives a known account to its owner, by company name or by e-mail domain, before any territory', () => {
    expect(routeLead(rules, lead({ company: 'ACME', postcode: '75011' }), reps, {})).toMatchObject({ owner: 'olga@seller.test', rule: { kind: 'account', reason: 'account owner of company ACME' } });
    expect(routeLead(rules, lead({ email: 'cto@eu.acme.com' }), reps, {}).rule).toEqual({ kind: 'account', reason: 'account owner of domain eu.acme.com' });
  });

  it('routes by postcode prefix, country and region to the reps of the territory', () => {
    expect(routeLead(rules, lead({ postcode: '92 100' }), reps, {})).toMatchObject({ owner: 'paul@seller.test', rule: { kind: 'territory', territoryId: 'paris' } });
    expect(routeLead(rules, lead({ country: 'de' }), reps, {}).owner).toBe('dieter@seller.test');
    expect(routeLead(rules, lead({ region: 'québec' }), reps, {}).rule).toMatchObject({ kind: 'fallback' });
  });

  it('takes turns inside a territory from the stored cursor, wrapping around', () => {
    const first = routeLead(rules, lead({ postcode: '75001' }), reps, {});
    const second = routeLead(rules, lead({ postcode: '75001' }), reps, first.cursors);
    const third = routeLead(rules, lead({ postcode: '75001' }), reps, second.cursors);
    expect([first.owner, second.owner, third.owner]).toEqual(['paul@seller.test', 'pia@seller.test', 'paul@seller.test']);
    expect(second.cursors).toEqual({ paris: 'pia@seller.test' });
  });

  it('skips reps at capacity or away, and sends the lead to the fallback queue when nobody has room', () => {
    const busy = reps.map((r) => (r.email === 'paul@seller.test' ? { ...r, openLeads: 10 } : r));
    expect(routeLead(rules, lead({ postcode: '75001' }), busy, {}).owner).toBe('pia@seller.test');
    const full = busy.map((r) => (r.email === 'pia@seller.test' ? { ...r, available: false } : r));
    expect(routeLead(rules, lead({ postcode: '75001' }), full, {})).toMatchObject({ owner: 'sales-queue@seller.test', rule: { kind: 'fallback' } });
  });

  it('round-robins leads without a territory among every available rep with room', () => {
    const pool = [rep('b@seller.test'), rep('a@seller.test'), rep('c@seller.test', { openLeads: 3, capacity: 3 })];
    const first = routeLead(rules, lead({ country: 'US' }), pool, {});
    const second = routeLead(rules, lead({ country: 'US' }), pool, first.cursors);
    expect([first.owner, second.owner]).toEqual(['a@seller.test', 'b@seller.test']);
    expect(first.cursors).toEqual({ [GENERAL_POOL]: 'a@seller.test' });
    expect(routeLead(rules, lead({}), [], {}).owner).toBe('sales-queue@seller.test');
  });

  it('leaves out the reps who already had the lead (reassignment) and an account owner who is away', () => {
    expect(routeLead(rules, lead({ postcode: '75001' }), reps, {}, ['paul@seller.test']).owner).toBe('pia@seller.test');
    const away = reps.map((r) => (r.email === 'olga@seller.test' ? { ...r, available: false } : r));
    expect(routeLead(rules, lead({ company: 'Acme', country: 'AT' }), away, {}).owner).toBe('dieter@seller.test');
  });

  it('validates the rules document and names the field', () => {
    const result = RoutingRules.safeParse({ fallbackQueue: 'queue', territories: [{ id: 'x' }], sla: { businessHours: { timeZone: 'Europe/Paris' }, acceptWithinHours: 2, reminderAfterHours: 3 } });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['fallbackQueue', 'territories.0']));
  });
});
