import { resolveModel } from './compile.js';
import type { AnyScoringModel } from './compile.js';
import type { Contribution } from './engagement.js';
import { parseIsoMs, toEpochMs } from './time.js';

// The one definition of how engagement fades and how a score is rounded. The SQL that decays and
// rounds scores in the database (db/scoring-sql.ts) is built from these constants, and
// test/integration/scoring-sql-agrees.test.ts holds the two to the same values.

/** Engagement points are multiplied by this once per half-life. */
export const DECAY_BASE = 0.5;
/** Scores are shown, compared with thresholds and filtered on to this many decimals. */
export const SCORE_DECIMALS = 2;

/**
 * Decay stops deepening after this many half-lives (a factor of 1e-301): PostgreSQL raises an
 * underflow error where a float8 power or product would fall to 0, so a model with a half-life
 * far shorter than its window would otherwise fail every query over its older ledger lines.
 */
export const MAX_HALF_LIVES = 1000;

const SCALE = 10 ** SCORE_DECIMALS;

/** `points × 0.5^(ageMs / halfLifeMs)`: what `points` granted `ageMs` ago are worth now. */
export function decayedPoints(points: number, ageMs: number, halfLifeMs: number): number {
  return points * DECAY_BASE ** Math.min(ageMs / halfLifeMs, MAX_HALF_LIVES);
}

/**
 * A score to `SCORE_DECIMALS` decimals, half away from zero, of the value's 15-significant-digit
 * decimal form: exactly what PostgreSQL's `round(x::numeric, 2)` answers for a float8 (its cast to
 * numeric keeps 15 digits), so a score the API shows and the same score filtered on in SQL never
 * differ by a cent (1.005 is 1.01 on both sides; binary `Math.round(x * 100)` says 1). Never -0.
 */
export function roundScore(n: number): number {
  if (!Number.isFinite(n)) return n;
  const magnitude = Math.abs(n);
  const scaled = magnitude * SCALE;
  const fraction = scaled - Math.floor(scaled);
  // Away from a tie, the binary value rounds as its decimal form does (the two differ by a few parts
  // in 10^15); only near one does the decimal form, built as text, decide. That keeps the hot path
  // (a score per contact of every ingested batch) free of string work.
  let units: number;
  if (Math.abs(fraction - 0.5) > scaled * 1e-14 + 1e-12) {
    units = Math.round(scaled);
  } else {
    const [digits, exponent] = magnitude.toExponential(14).split('e');
    units = Math.round(Number(`${digits}e${Number(exponent) + SCORE_DECIMALS}`));
  }
  const rounded = units / SCALE;
  return n < 0 && units !== 0 ? -rounded : rounded;
}

export interface DecayedContribution extends Contribution {
  /** `decayedPoints(points, age, halfLife)`, unrounded. */
  decayedPoints: number;
}

export interface EngagementScore {
  /** Sum of the decayed points, rounded by `roundScore`. */
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
    const decayed = decayedPoints(contribution.points, atMs - ms, compiled.halfLifeMs);
    total += decayed;
    lines.push({ ...contribution, decayedPoints: decayed });
  }
  return { total: roundScore(total), lines };
}
