import { sql } from 'kysely';
import type { DatabaseReading } from '../telemetry/metrics.js';
import { poolStats, type Db } from './connection.js';

// What the scrape-time gauges read. Each query stays on an index or a small table: the outbox's
// pending intents (partial index), hand-offs (one row per contact sent to sales), and the
// recipients of newsletters being sent right now only.
export async function readOperationalState(db: Db): Promise<DatabaseReading> {
  const [outbox, handoffs, breaches, recipients] = await Promise.all([
    db
      .selectFrom('orchestration_outbox')
      .where('dispatched_at', 'is', null)
      .select([sql<number>`count(*)::int`.as('pending'), sql<number>`coalesce(extract(epoch from now() - min(created_at)), 0)::float8`.as('oldest')])
      .executeTakeFirstOrThrow(),
    db.selectFrom('handoffs').select(['status', sql<number>`count(*)::int`.as('count')]).groupBy('status').execute(),
    db
      .selectFrom('handoffs')
      .where('status', 'in', ['assigned', 'escalated'])
      .where('sla_due_at', '<', sql<Date>`now()`)
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('newsletter_recipients')
      .innerJoin('newsletters', 'newsletters.id', 'newsletter_recipients.newsletter_id')
      .where('newsletters.status', 'in', ['sending', 'paused'])
      .select(['newsletter_recipients.newsletter_id', 'newsletter_recipients.status', sql<number>`count(*)::int`.as('count')])
      .groupBy(['newsletter_recipients.newsletter_id', 'newsletter_recipients.status'])
      .execute(),
  ]);
  return {
    outboxPending: outbox.pending,
    outboxOldestAgeSeconds: outbox.oldest,
    handoffs: handoffs.map((row) => ({ status: row.status, count: row.count })),
    slaBreaches: breaches.count,
    newsletterRecipients: recipients.map((row) => ({ newsletterId: row.newsletter_id, status: row.status, count: row.count })),
    pool: poolStats(db),
  };
}
