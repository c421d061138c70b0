import { describe, expect, it } from 'vitest';
import { mergeTraits, personTraitsFrom } from '../../domain/traits.js';

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-02T00:00:00.000Z';

describe('trait merging', () => {
  it('records the source and time of each value', () => {
    const { traits, changed } = mergeTraits({}, { firstName: 'Ada' }, 'form', T1);
    expect(traits['firstName']).toEqual({ value: 'Ada', source: 'form', updatedAt: T1 });
    expect(changed).toHaveLength(1);
  });

  it('never lets an automatic update overwrite what a sales rep set, and says so', () => {
    const bySales = mergeTraits({}, { jobTitle: 'CTO' }, 'sales', T1).traits;
    const result = mergeTraits(bySales, { jobTitle: 'Intern', company: 'Acme' }, 'enrichment', T2);
    expect(result.traits['jobTitle']).toEqual({ value: 'CTO', source: 'sales', updatedAt: T1 });
    expect(result.traits['company']?.value).toBe('Acme');
    expect(result.protected).toEqual([
      { trait: 'jobTitle', kept: bySales['jobTitle'], refused: { value: 'Intern', source: 'enrichment', updatedAt: T2 } },
    ]);
    expect(mergeTraits(bySales, { jobTitle: 'VP' }, 'sales', T2).traits['jobTitle']?.value).toBe('VP');
  });

  it('converges whatever the order of arrival', () => {
    const newerFirst = mergeTraits(mergeTraits({}, { company: 'New' }, 'form', T2).traits, { company: 'Old' }, 'form', T1);
    const olderFirst = mergeTraits(mergeTraits({}, { company: 'Old' }, 'form', T1).traits, { company: 'New' }, 'form', T2);
    expect(newerFirst.traits).toEqual(olderFirst.traits);
    expect(newerFirst.traits['company']?.value).toBe('New');
  });

  it('picks the person out of a form, not the form itself', () => {
    expect(personTraitsFrom({ email: 'a@b.co', firstName: 'Ada', formId: 'contact', lastName: '' })).toEqual({
      email: 'a@b.co',
      firstName: 'Ada',
    });
  });
});
