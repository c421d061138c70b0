import { resolveModel } from './compile.js';
import type { AnyScoringModel } from './compile.js';
import type { Contribution } from './engagement.js';
import { parseIsoMs, toEpochMs } from './time.js';

export interface DecayedContribution extends Contribution {
  /** `points × 0.5^(ageDays / halfLifeDays)`, unrounded. */
  decayedPoints: number;
}

export interface EngagementScore {
  /** Sum of the decayed points, rounded to 2 decimals. */
  total: number;
  /** The contributions that count at `at`, in ledger order: "why this score", line by line. */
  lines: DecayedContribution[];
}

/**
 * Engagement at instant `at` (ISO string or epoch ms). Behavioural points fade with the model's
 * half-life; contributions older than `windowDays` (age strictly greater) or later than `at` do not
 * count and are left out of the lines.
 */
export function engagementScoreAt(
  contributions: readonly Contribution[],
  at: string | number,
  model: AnyScoringModel,
): EngagementScore {
  const compiled = resolveModel(model);
  const atMs = toEpochMs(at, 'at');
  const oldestMs = atMs - compiled.windowMs;
  const lines: DecayedContribution[] = [];
  let total = 0;
  for (const contribution of contributions) {
    const ms = parseIsoMs(contribution.occurredAt);
    if (!(ms <= atMs && ms >= oldestMs)) continue;
    const decayedPoints = contribution.points * 0.5 ** ((atMs - ms) / compiled.halfLifeMs);
    total += decayedPoints;
    lines.push({ ...contribution, decayedPoints });
  }
  return { total: roundTo2(total), lines };
}

function roundTo2(n: number): number {
  // Adding 0 turns a rounded -0 into 0.
  return Math.round((n + Number.EPSILON * Math.sign(n)) * 100) / 100 + 0;
}
