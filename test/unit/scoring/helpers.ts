import { ScoringModel } from '../../../domain/scoring/index.js';
import type { EngagementRule, ScoringEvent, ScoringModelInput } from '../../../domain/scoring/index.js';

let counter = 0;

/** An event; ids default to a running number so tests only name them when it matters. */
export function ev(
  type: string,
  occurredAt: string,
  properties: Record<string, unknown> = {},
  id = `ev-${String(++counter).padStart(6, '0')}`,
): ScoringEvent {
  return { id, type, occurredAt, properties };
}

/** A model with just these engagement rules (and the defaults for everything else). */
export function modelWith(rules: EngagementRule[], overrides: Partial<ScoringModelInput> = {}): ScoringModel {
  return ScoringModel.parse({ id: 'test', version: 1, engagement: { rules }, fit: { rules: [] }, ...overrides });
}

/** Seeded shuffle (mulberry32 + Fisher–Yates): reproducible "arrival orders". */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const x = out[i] as T;
    out[i] = out[j] as T;
    out[j] = x;
  }
  return out;
}

export const DAY = 86_400_000;

/** ISO string `days` days (may be fractional) after `from`. */
export function plusDays(from: string, days: number): string {
  return new Date(Date.parse(from) + days * DAY).toISOString();
}
