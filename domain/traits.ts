import { z } from 'zod';

/** Where a trait value came from: declared on a form, imported, set by sales, enriched, read off an event, or set by a journey. */
export const TraitSource = z.enum(['form', 'import', 'sales', 'enrichment', 'event', 'journey']);
export type TraitSource = z.infer<typeof TraitSource>;

export const TraitValue = z.object({
  value: z.unknown(),
  source: TraitSource,
  updatedAt: z.iso.datetime({ offset: true }),
});
export type TraitValue = z.infer<typeof TraitValue>;

export const Traits = z.record(z.string(), TraitValue);
export type Traits = z.infer<typeof Traits>;

export interface TraitChange {
  trait: string;
  before: TraitValue | undefined;
  after: TraitValue;
}

export interface TraitMergeResult {
  traits: Traits;
  changed: TraitChange[];
  /** Automatic updates refused because a sales rep set the value by hand. */
  protected: { trait: string; kept: TraitValue; refused: TraitValue }[];
}

/**
 * Applies incoming trait values. A value a sales rep set by hand is never overwritten by an automatic
 * update (form, import, enrichment, event); only another sales edit replaces it. Older values never
 * replace newer ones, so events merged out of order converge on the same traits.
 */
export function mergeTraits(
  existing: Traits,
  incoming: Record<string, unknown>,
  source: TraitSource,
  at: string,
): TraitMergeResult {
  const traits: Traits = { ...existing };
  const changed: TraitChange[] = [];
  const refused: TraitMergeResult['protected'] = [];
  for (const [trait, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    const before = existing[trait];
    const after: TraitValue = { value, source, updatedAt: at };
    if (before !== undefined) {
      if (before.source === 'sales' && source !== 'sales') {
        if (!sameValue(before.value, value)) refused.push({ trait, kept: before, refused: after });
        continue;
      }
      if (before.updatedAt > at || sameValue(before.value, value)) continue;
    }
    traits[trait] = after;
    changed.push({ trait, before, after });
  }
  return { traits, changed, protected: refused };
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Plain values for templates and segment queries: `{ firstName: 'Ada' }`. */
export function traitValues(traits: Traits): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [trait, { value }] of Object.entries(traits)) values[trait] = value;
  return values;
}

/** The properties of a sign-up form that describe the person rather than the event. */
export const PERSON_TRAITS = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'company',
  'jobTitle',
  'companySize',
  'sector',
  'country',
  'region',
  'postcode',
  'timezone',
] as const;

export function personTraitsFrom(properties: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of PERSON_TRAITS) {
    const value = properties[name];
    if (value !== undefined && value !== null && value !== '') picked[name] = value;
  }
  return picked;
}

/**
 * Traits of two profiles of one person, combined: a sales rep's value wins over an automatic one,
 * otherwise the newer value wins. Symmetric, so merging in either order gives the same traits.
 */
export function combineTraits(a: Traits, b: Traits): Traits {
  const combined: Traits = { ...a };
  for (const [trait, value] of Object.entries(b)) {
    const current = combined[trait];
    if (current === undefined || prefers(value, current)) combined[trait] = value;
  }
  return combined;
}

function prefers(candidate: TraitValue, current: TraitValue): boolean {
  const candidateIsSales = candidate.source === 'sales';
  if (candidateIsSales !== (current.source === 'sales')) return candidateIsSales;
  if (candidate.updatedAt !== current.updatedAt) return candidate.updatedAt > current.updatedAt;
  // Same time, same authority: any fixed order keeps the merge symmetric.
  return JSON.stringify(candidate.value) > JSON.stringify(current.value);
}
