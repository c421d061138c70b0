import type { AnyScoringModel } from './compile.js';
import { scoreEvents } from './engagement.js';
import type { ScoredHistory, ScoringEvent } from './engagement.js';

/**
 * Scoring of a contact after an anonymous profile merges into a known one (or two known ones
 * merge). The union of the ledgers would be wrong — caps are per rule per period, so two profiles
 * that each used a day's page-view cap must count it once — hence a merge re-scores the union of
 * the two event histories (deduplicated by event id) from scratch with `scoreEvents`.
 *
 * Order-independent (merge(a, b) = merge(b, a)) and idempotent (merging b again changes nothing),
 * because the result depends only on the set of events. The states of `a` and `b` are not read, so
 * histories scored with an older model version come out scored with `model`.
 */
export function mergeScoringState(
  a: { readonly events: readonly ScoringEvent[] },
  b: { readonly events: readonly ScoringEvent[] },
  model: AnyScoringModel,
): ScoredHistory {
  return scoreEvents([...a.events, ...b.events], model);
}
