import type { FilterOp, FilterScalar, FilterValue, PropertyFilter } from './model.js';

// Filters are turned into closures once, when a model is compiled, so scoring an event runs no
// interpreter: no switch on the operator, no path splitting, no lower-casing (case-insensitive
// comparisons are precompiled regular expressions, which allocate nothing when they run).

/** A test on one value (a property of an event, or a trait value). */
export type ValuePredicate = (value: unknown) => boolean;
/** A test on a whole property bag. */
export type PropertiesPredicate = (properties: Readonly<Record<string, unknown>>) => boolean;

export interface Operand {
  op: FilterOp;
  value?: FilterValue | undefined;
  ignoreCase?: boolean | undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function asScalar(value: FilterValue | undefined): FilterScalar {
  if (value === undefined || Array.isArray(value)) throw new TypeError('filter needs a single value');
  return value;
}

function equalsPredicate(expected: FilterScalar, ignoreCase: boolean): ValuePredicate {
  if (ignoreCase && typeof expected === 'string') {
    const re = new RegExp(`^${escapeRegExp(expected)}$`, 'i');
    return (v) => typeof v === 'string' && re.test(v);
  }
  return (v) => v === expected;
}

/** A number, or a string holding one ("250" from a form field); anything else is NaN. */
function numeric(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function orderPredicate(op: 'gt' | 'gte' | 'lt' | 'lte', expected: FilterScalar): ValuePredicate {
  if (typeof expected === 'number') {
    // NaN compares false both ways, so non-numeric values never match.
    switch (op) {
      case 'gt':
        return (v) => numeric(v) > expected;
      case 'gte':
        return (v) => numeric(v) >= expected;
      case 'lt':
        return (v) => numeric(v) < expected;
      case 'lte':
        return (v) => numeric(v) <= expected;
    }
  }
  if (typeof expected === 'string') {
    switch (op) {
      case 'gt':
        return (v) => typeof v === 'string' && v > expected;
      case 'gte':
        return (v) => typeof v === 'string' && v >= expected;
      case 'lt':
        return (v) => typeof v === 'string' && v < expected;
      case 'lte':
        return (v) => typeof v === 'string' && v <= expected;
    }
  }
  throw new TypeError(`"${op}" needs a number or a string`);
}

/**
 * Compiles one operator and operand into a predicate on a value. Semantics:
 * - `eq` strict equality, no coercion (`1` ≠ `"1"`); `neq` is its negation, so a missing value is `neq` anything;
 * - `in` equals one of the listed values;
 * - `contains` a substring of a string, or an element of an array;
 * - `startsWith` a string prefix;
 * - `gt`/`gte`/`lt`/`lte` against a number compare numbers and numeric strings, against a string compare
 *   strings in code-unit order (ISO dates sort correctly); other values never match;
 * - `exists` (true by default) means neither undefined nor null; `exists: false` the opposite;
 * - `ignoreCase` applies to string comparisons of eq, neq, in, contains and startsWith.
 */
export function compileValuePredicate(operand: Operand): ValuePredicate {
  const ignoreCase = operand.ignoreCase === true;
  const { value } = operand;
  switch (operand.op) {
    case 'eq':
      return equalsPredicate(asScalar(value), ignoreCase);
    case 'neq': {
      const eq = equalsPredicate(asScalar(value), ignoreCase);
      return (v) => !eq(v);
    }
    case 'in': {
      if (!Array.isArray(value)) throw new TypeError('"in" needs an array');
      const exact = new Set<unknown>();
      const folded: string[] = [];
      for (const item of value) {
        if (ignoreCase && typeof item === 'string') folded.push(escapeRegExp(item));
        else exact.add(item);
      }
      if (folded.length === 0) return (v) => exact.has(v);
      const re = new RegExp(`^(?:${folded.join('|')})$`, 'i');
      return (v) => exact.has(v) || (typeof v === 'string' && re.test(v));
    }
    case 'contains': {
      const expected = asScalar(value);
      const element = equalsPredicate(expected, ignoreCase);
      const inArray = (v: unknown) => Array.isArray(v) && v.some(element);
      if (typeof expected !== 'string') return inArray;
      if (ignoreCase) {
        const re = new RegExp(escapeRegExp(expected), 'i');
        return (v) => (typeof v === 'string' ? re.test(v) : inArray(v));
      }
      return (v) => (typeof v === 'string' ? v.includes(expected) : inArray(v));
    }
    case 'startsWith': {
      if (typeof value !== 'string') throw new TypeError('"startsWith" needs a string');
      if (ignoreCase) {
        const re = new RegExp(`^${escapeRegExp(value)}`, 'i');
        return (v) => typeof v === 'string' && re.test(v);
      }
      return (v) => typeof v === 'string' && v.startsWith(value);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return orderPredicate(operand.op, asScalar(value));
    case 'exists':
      return value === false ? (v) => v === undefined || v === null : (v) => v !== undefined && v !== null;
  }
}

type Getter = (properties: Readonly<Record<string, unknown>>) => unknown;

// Keys that every object inherits: reading them must not find Object.prototype members.
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

function ownGetter(key: string): (o: Readonly<Record<string, unknown>>) => unknown {
  if (INHERITED.has(key)) return (o) => (Object.hasOwn(o, key) ? o[key] : undefined);
  return (o) => o[key];
}

/** Reads a dotted path (`utm.source`) from a property bag; undefined when any step is missing. */
export function compilePathGetter(path: string): Getter {
  const steps = path.split('.').map(ownGetter);
  const [first, second] = steps;
  if (first === undefined) throw new TypeError('empty property path');
  if (steps.length === 1) return first;
  if (steps.length === 2 && second !== undefined) {
    return (o) => {
      const v = first(o);
      return v !== null && typeof v === 'object' ? second(v as Record<string, unknown>) : undefined;
    };
  }
  return (o) => {
    let v: unknown = o;
    for (const step of steps) {
      if (v === null || typeof v !== 'object') return undefined;
      v = step(v as Record<string, unknown>);
    }
    return v;
  };
}

/**
 * One filter on a property bag. The common shapes on a top-level property get a single closure
 * that reads and compares in one call: a page-view rule is tested on most events, and closure
 * calls are most of its cost.
 */
export function compilePropertyFilter(filter: PropertyFilter): PropertiesPredicate {
  const key = filter.property;
  const topLevel = !key.includes('.') && !INHERITED.has(key);
  const { value } = filter;
  if (topLevel && filter.ignoreCase !== true) {
    switch (filter.op) {
      case 'eq':
        if (value !== undefined && !Array.isArray(value)) return (p) => p[key] === value;
        break;
      case 'startsWith':
        if (typeof value === 'string') {
          return (p) => {
            const v = p[key];
            return typeof v === 'string' && v.startsWith(value);
          };
        }
        break;
      case 'gte':
        if (typeof value === 'number') {
          return (p) => {
            const v = p[key];
            return typeof v === 'number' ? v >= value : numeric(v) >= value;
          };
        }
        break;
      case 'exists':
        return value === false
          ? (p) => p[key] === undefined || p[key] === null
          : (p) => p[key] !== undefined && p[key] !== null;
      default:
        break;
    }
  }
  const get = compilePathGetter(key);
  const test = compileValuePredicate(filter);
  return (p) => test(get(p));
}

/** All filters must hold; `null` when there are none, so the hot path can skip the call entirely. */
export function compileWhere(filters: readonly PropertyFilter[] | undefined): PropertiesPredicate | null {
  if (filters === undefined || filters.length === 0) return null;
  const tests = filters.map(compilePropertyFilter);
  const [a, b] = tests;
  if (a !== undefined && tests.length === 1) return a;
  if (a !== undefined && b !== undefined && tests.length === 2) return (p) => a(p) && b(p);
  return (p) => {
    for (const test of tests) if (!test(p)) return false;
    return true;
  };
}

/** Human text of a filter, used in generated reasons: `path startsWith "/pricing"`. */
export function describeFilter(filter: { property: string } & Operand): string {
  if (filter.op === 'exists') return filter.value === false ? `${filter.property} is missing` : `${filter.property} exists`;
  const flag = filter.ignoreCase === true ? ' (any case)' : '';
  return `${filter.property} ${filter.op} ${JSON.stringify(filter.value)}${flag}`;
}
