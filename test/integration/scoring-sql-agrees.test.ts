import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decayedPointsSql, roundScoreSql, storedEngagementAtSql } from '../../db/scoring-sql.js';
import { compileScoringModel, decayedPoints, defaultScoringModel, engagementScoreAt, roundScore } from '../../domain/scoring/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// Search, audiences, the stage review and ingestion decay and round scores in PostgreSQL; the API's
// "why this score", the stage moves and the carried sums do it in TypeScript. Both come from
// domain/scoring/decay.ts: these properties hold the SQL fragments to it on random inputs.
const DAY_MS = 86_400_000;
const AT = new Date('2026-06-01T12:00:00.000Z');

// The two sides compute 0.5^(age / half-life) with different pow() implementations (V8's, the C
// library's) and turn the age into milliseconds differently: a few units in the last place apart.
const RELATIVE = 1e-12;
const close = (a: number, b: number) => Math.abs(a - b) <= RELATIVE * Math.max(1, Math.abs(a), Math.abs(b));

describe('scoring SQL and TypeScript', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  // Ledger points are rule points, or what a cap left of them rounded to 1e-6 (engagement.ts).
  const ledgerPoints = fc.double({ min: -100, max: 100, noNaN: true }).map((points) => Math.round(points * 1e6) / 1e6);
  // A stored engagement score is rounded to cents.
  const storedScore = fc.integer({ min: -50_000, max: 50_000 }).map((cents) => cents / 100);
  const contribution = fc.record({
    points: ledgerPoints,
    ageMs: fc.integer({ min: 0, max: 400 * DAY_MS }),
  });
  const halfLifeDays = fc.double({ min: 0.25, max: 365, noNaN: true });

  it('decay ledger lines to the same points and sum them to the same rounded engagement', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(contribution, { minLength: 1, maxLength: 40 }), halfLifeDays, async (lines, days) => {
        const model = compileScoringModel({ ...defaultScoringModel, halfLifeDays: days, windowDays: 1_000 });
        const since = lines.map((line) => new Date(AT.getTime() - line.ageMs).toISOString());
        const decayed = decayedPointsSql(sql.ref('points'), sql.ref('occurred_at'), AT, model.halfLifeMs);
        const { rows } = await sql<{ line: number; total: number; rounded: number }>`
          select array_agg(${decayed} order by i) as line, sum(${decayed}) as total, ${roundScoreSql(sql<number>`sum(${decayed})`)} as rounded
          from unnest(${lines.map((line) => line.points)}::float8[], ${since}::timestamptz[]) with ordinality as l(points, occurred_at, i)`.execute(database.db);
        const row = rows[0] as unknown as { line: number[]; total: number; rounded: number };

        const score = engagementScoreAt(
          lines.map((line, index) => ({ eventId: String(index), ruleId: 'r', points: line.points, occurredAt: since[index]!, reason: 'random' })),
          AT.getTime(),
          model,
        );
        expect(score.lines).toHaveLength(lines.length);
        score.lines.forEach((line, index) => expect(close(line.decayedPoints, row.line[index]!), `line ${index}: ${line.decayedPoints} vs ${row.line[index]}`).toBe(true));
        expect(close(score.lines.reduce((sum, line) => sum + line.decayedPoints, 0), row.total)).toBe(true);
        expect(score.total).toBe(row.rounded);
      }),
      { numRuns: 60 },
    );
  });

  it('decay a stored score to the same value as the carried sum does', async () => {
    await fc.assert(
      fc.asyncProperty(storedScore, fc.integer({ min: 0, max: 400 * DAY_MS }), halfLifeDays, async (stored, ageMs, days) => {
        const halfLifeMs = days * DAY_MS;
        const scoredAt = new Date(AT.getTime() - ageMs);
        const { rows } = await sql<{ decayed: number; rounded: number }>`
          select ${storedEngagementAtSql(AT, halfLifeMs)} as decayed, ${roundScoreSql(storedEngagementAtSql(AT, halfLifeMs))} as rounded
          from (values (${stored}::float8, ${scoredAt}::timestamptz)) as c(engagement_score, engagement_scored_at)`.execute(database.db);
        const expected = decayedPoints(stored, ageMs, halfLifeMs);
        expect(close(expected, rows[0]!.decayed), `${expected} vs ${rows[0]!.decayed}`).toBe(true);
        expect(roundScore(expected)).toBe(rows[0]!.rounded);
      }),
      { numRuns: 100 },
    );
  });

  it('round any value, ties and fifteen-digit near-ties included, to the same cents', async () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      // Exact decimal ties (k + 0.5) / 100, where binary and decimal rounding part ways.
      fc.integer({ min: -10_000_000, max: 10_000_000 }).map((k) => (k + 0.5) / 100),
      // A hair either side of a tie: PostgreSQL's fifteen digits see some of these as ties.
      fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: -50, max: 50 })).map(([k, ulps]) => (k + 0.5) / 100 + ulps * 1e-16 * Math.max(1, Math.abs(k) / 100)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 200 }), async (values) => {
        const { rows } = await sql<{ rounded: number[] }>`
          select array_agg(${roundScoreSql(sql<number>`v`)} order by i) as rounded from unnest(${values}::float8[]) with ordinality as t(v, i)`.execute(database.db);
        expect(values.map(roundScore)).toEqual(rows[0]!.rounded);
      }),
      { numRuns: 100 },
    );
  });
});
