import { describe, expect, it } from 'vitest';
import {
  compilePathGetter,
  compilePropertyFilter,
  compileValuePredicate,
  compileWhere,
  describeFilter,
} from '../../../domain/scoring/filter.js';
import { PropertyFilter } from '../../../domain/scoring/index.js';
import type { FilterOp, FilterValue } from '../../../domain/scoring/index.js';

function test(op: FilterOp, value: FilterValue | undefined, ignoreCase = false) {
  return compileValuePredicate({ op, value, ignoreCase });
}

function matches(op: FilterOp, value: FilterValue | undefined, subjects: unknown[], ignoreCase = false): boolean[] {
  const predicate = test(op, value, ignoreCase);
  return subjects.map((s) => predicate(s));
}

describe('filter operators', () => {
  it('eq: strict equality, no coercion', () => {
    expect(matches('eq', 'FR', ['FR', 'fr', undefined, null])).toEqual([true, false, false, false]);
    expect(matches('eq', 1, [1, '1', 1.0, true])).toEqual([true, false, true, false]);
    expect(matches('eq', true, [true, 'true', 1])).toEqual([true, false, false]);
    expect(matches('eq', null, [null, undefined, 0])).toEqual([true, false, false]);
  });

  it('eq with ignoreCase folds strings only', () => {
    expect(matches('eq', 'Pricing', ['pricing', 'PRICING', 'pricing ', 5], true)).toEqual([true, true, false, false]);
    expect(matches('eq', 'a.b', ['axb', 'A.B'], true)).toEqual([false, true]);
  });

  it('neq: negation of eq, so a missing value is neq anything', () => {
    expect(matches('neq', '/careers', ['/careers', '/pricing', undefined, null])).toEqual([false, true, true, true]);
    expect(matches('neq', 'Careers', ['careers', 'jobs'], true)).toEqual([false, true]);
  });

  it('in: one of the listed values', () => {
    expect(matches('in', ['FR', 'BE'], ['FR', 'BE', 'DE', 'fr', undefined])).toEqual([true, true, false, false, false]);
    expect(matches('in', [1, 2, '3'], [1, 3, '3', '1'])).toEqual([true, false, true, false]);
    expect(matches('in', [null, false], [null, false, undefined, 0])).toEqual([true, true, false, false]);
  });

  it('in with ignoreCase', () => {
    expect(matches('in', ['FR', 'BE', 7], ['fr', 'Be', 'de', 7, '7'], true)).toEqual([true, true, false, true, false]);
    expect(matches('in', ['c++'], ['C++', 'c'], true)).toEqual([true, false]);
  });

  it('contains: substring of a string or element of an array', () => {
    expect(matches('contains', 'price', ['/pricing', 'the price list', 'PRICE', ['price'], 42])).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(matches('contains', 'price', ['The PRICE list', ['Price'], ['cost']], true)).toEqual([true, true, false]);
    expect(matches('contains', 3, [[1, 2, 3], [1, 2], '123'])).toEqual([true, false, false]);
    expect(matches('contains', '.', ['a.b', 'ab'], true)).toEqual([true, false]);
  });

  it('startsWith: string prefix', () => {
    expect(matches('startsWith', '/pricing', ['/pricing', '/pricing/enterprise', '/en/pricing', '/Pricing', undefined, 5])).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(matches('startsWith', '/Pricing', ['/pricing/x', '/PRICING', '/p'], true)).toEqual([true, true, false]);
    expect(matches('startsWith', '/a.b', ['/a.b/c', '/axb'], true)).toEqual([true, false]);
  });

  it('gt, gte, lt, lte against a number: numbers and numeric strings', () => {
    const subjects = [49, 50, 51, '50', ' 51 ', '', 'fifty', null, undefined, true, [50]];
    expect(matches('gt', 50, subjects)).toEqual([false, false, true, false, true, false, false, false, false, false, false]);
    expect(matches('gte', 50, subjects)).toEqual([false, true, true, true, true, false, false, false, false, false, false]);
    expect(matches('lt', 50, subjects)).toEqual([true, false, false, false, false, false, false, false, false, false, false]);
    expect(matches('lte', 50, subjects)).toEqual([true, true, false, true, false, false, false, false, false, false, false]);
  });

  it('gt, gte, lt, lte against a string: code-unit order, strings only', () => {
    const day = '2025-03-01';
    const subjects = ['2025-02-28T23:59:59Z', '2025-03-01', '2025-03-01T00:00:00Z', 20250301];
    expect(matches('gt', day, subjects)).toEqual([false, false, true, false]);
    expect(matches('gte', day, subjects)).toEqual([false, true, true, false]);
    expect(matches('lt', day, subjects)).toEqual([true, false, false, false]);
    expect(matches('lte', day, subjects)).toEqual([true, true, false, false]);
  });

  it('exists: neither undefined nor null; exists false: the opposite', () => {
    const subjects = ['', 0, false, null, undefined];
    expect(matches('exists', undefined, subjects)).toEqual([true, true, true, false, false]);
    expect(matches('exists', true, subjects)).toEqual([true, true, true, false, false]);
    expect(matches('exists', false, subjects)).toEqual([false, false, false, true, true]);
  });
});

describe('property paths', () => {
  it('reads top-level and dotted paths, undefined when a step is missing', () => {
    const props = { path: '/pricing', utm: { source: 'newsletter', deep: { x: 1 } }, n: null, s: 'str' };
    expect(compilePathGetter('path')(props)).toBe('/pricing');
    expect(compilePathGetter('utm.source')(props)).toBe('newsletter');
    expect(compilePathGetter('utm.deep.x')(props)).toBe(1);
    expect(compilePathGetter('utm.medium')(props)).toBeUndefined();
    expect(compilePathGetter('missing.source')(props)).toBeUndefined();
    expect(compilePathGetter('n.x')(props)).toBeUndefined();
    expect(compilePathGetter('s.length')(props)).toBeUndefined();
    expect(compilePathGetter('utm.deep.x.y')(props)).toBeUndefined();
  });

  it('does not find members every object inherits', () => {
    expect(compilePathGetter('constructor')({})).toBeUndefined();
    expect(compilePathGetter('toString')({ toString: 'own' })).toBe('own');
    expect(compilePathGetter('a.hasOwnProperty')({ a: {} })).toBeUndefined();
    const exists = compilePropertyFilter(PropertyFilter.parse({ property: 'constructor', op: 'exists' }));
    expect(exists({})).toBe(false);
  });
});

describe('compiled property filters agree with the general predicate', () => {
  const subjects: unknown[] = ['/pricing/x', '/pricing', 'Pricing', '', '60', 60, 59, 0, null, undefined, true, ['x'], { a: 1 }];
  const filters = PropertyFilter.array().parse([
    { property: 'v', op: 'eq', value: '/pricing' },
    { property: 'v', op: 'eq', value: 60 },
    { property: 'v', op: 'eq', value: null },
    { property: 'v', op: 'neq', value: '/pricing' },
    { property: 'v', op: 'in', value: ['/pricing', 60] },
    { property: 'v', op: 'contains', value: 'ric' },
    { property: 'v', op: 'startsWith', value: '/pricing' },
    { property: 'v', op: 'startsWith', value: '/PRICING', ignoreCase: true },
    { property: 'v', op: 'gt', value: 59 },
    { property: 'v', op: 'gte', value: 60 },
    { property: 'v', op: 'lt', value: 60 },
    { property: 'v', op: 'lte', value: 59 },
    { property: 'v', op: 'gte', value: '/p' },
    { property: 'v', op: 'exists' },
    { property: 'v', op: 'exists', value: false },
  ]);
  for (const filter of filters) {
    it(describeFilter(filter), () => {
      const fast = compilePropertyFilter(filter);
      const general = compileValuePredicate(filter);
      for (const subject of subjects) {
        expect(fast({ v: subject }), `subject ${JSON.stringify(subject)}`).toBe(general(subject));
        const nested = compilePropertyFilter({ ...filter, property: 'a.v' });
        expect(nested({ a: { v: subject } })).toBe(general(subject));
      }
      expect(fast({})).toBe(general(undefined));
    });
  }
});

describe('compileWhere', () => {
  it('is null without filters', () => {
    expect(compileWhere(undefined)).toBeNull();
    expect(compileWhere([])).toBeNull();
  });

  it('requires every filter to hold (1, 2 and 3 filters)', () => {
    const f = PropertyFilter.array().parse([
      { property: 'path', op: 'startsWith', value: '/pricing' },
      { property: 'durationSeconds', op: 'gte', value: 60 },
      { property: 'utm.source', op: 'eq', value: 'newsletter' },
    ]);
    const one = compileWhere(f.slice(0, 1));
    const two = compileWhere(f.slice(0, 2));
    const three = compileWhere(f);
    const hit = { path: '/pricing', durationSeconds: 90, utm: { source: 'newsletter' } };
    const short = { ...hit, durationSeconds: 10 };
    const organic = { ...hit, utm: { source: 'organic' } };
    expect([one?.(hit), one?.(short), one?.(organic)]).toEqual([true, true, true]);
    expect([two?.(hit), two?.(short), two?.(organic)]).toEqual([true, false, true]);
    expect([three?.(hit), three?.(short), three?.(organic)]).toEqual([true, false, false]);
  });
});

describe('describeFilter', () => {
  it('renders filters for generated reasons', () => {
    expect(describeFilter({ property: 'path', op: 'startsWith', value: '/pricing' })).toBe('path startsWith "/pricing"');
    expect(describeFilter({ property: 'country', op: 'in', value: ['FR', 'BE'], ignoreCase: true })).toBe(
      'country in ["FR","BE"] (any case)',
    );
    expect(describeFilter({ property: 'email', op: 'exists' })).toBe('email exists');
    expect(describeFilter({ property: 'email', op: 'exists', value: false })).toBe('email is missing');
  });
});
