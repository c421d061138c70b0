import { sql, type RawBuilder } from 'kysely';
import { DECAY_BASE, MAX_HALF_LIVES, SCORE_DECIMALS } from '../domain/scoring/index.js';

// The SQL twin of domain/scoring/decay.ts, built from its constants: search, newsletter audiences,
// the stage review and the ingestion path decay and round scores in the database with these
// fragments alone. test/integration/scoring-sql-agrees.test.ts holds them to the TypeScript.

/**
 * `points` granted at `since`, decayed to `at`: `decayedPoints(points, at - since, halfLifeMs)`.
 * In float8 throughout: extract() returns numeric, and a numeric power() per ledger row was a
 * quarter of the database's time on the ingestion path.
 */
export function decayedPointsSql(points: RawBuilder<unknown>, since: RawBuilder<unknown>, at: Date, halfLifeMs: number): RawBuilder<number> {
  const halfLives = sql`extract(epoch from (${at}::timestamptz - ${since}))::float8 * 1000 / ${halfLifeMs}::float8`;
  return sql<number>`(${points} * power(${sql.lit(DECAY_BASE)}::float8, least(${halfLives}, ${sql.lit(MAX_HALF_LIVES)}::float8)))`;
}

/** `roundScore(value)`: PostgreSQL's numeric round, half away from zero, which roundScore mirrors. */
export function roundScoreSql(value: RawBuilder<number>): RawBuilder<number> {
  return sql<number>`round((${value})::numeric, ${sql.lit(SCORE_DECIMALS)})::float8`;
}

/** A contact's stored engagement (`engagement_score` at `engagement_scored_at`) decayed to `at`, unrounded. */
export function storedEngagementAtSql(at: Date, halfLifeMs: number): RawBuilder<number> {
  return decayedPointsSql(sql.ref('engagement_score'), sql.ref('engagement_scored_at'), at, halfLifeMs);
}
