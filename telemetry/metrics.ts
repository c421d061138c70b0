import client from 'prom-client';

/**
 * What an operator watches, in Prometheus' text format. One registry per process: the API and the
 * worker each expose theirs (`GET /metrics`, the worker's METRICS_PORT); `npm start` runs both in
 * one process, so its /metrics holds both halves.
 *
 * Counters count what this process did (sum them across instances); the gauges read from
 * PostgreSQL at scrape time (`relance_outbox_*`, `relance_handoffs`, `relance_newsletter_recipients`)
 * describe the shared database, so every instance reports the same value: aggregate them with max().
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const eventsIngested = new client.Counter({
  name: 'relance_events_ingested_total',
  help: 'Events accepted by ingestion: stored, or a duplicate messageId acknowledged without storing',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const eventsRejected = new client.Counter({
  name: 'relance_events_rejected_total',
  help: 'Events or ingestion requests refused, by reason (invalid, unauthorized, forbidden, too_large, unsupported_encoding, unavailable)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const ingestionDuration = new client.Histogram({
  name: 'relance_ingestion_request_duration_seconds',
  help: 'Ingestion requests from first byte to answer (a 200 means committed to PostgreSQL)',
  labelNames: ['route'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const journeyEntries = new client.Counter({
  name: 'relance_journey_entries_total',
  help: 'Contacts admitted into a journey',
  labelNames: ['journey'] as const,
  registers: [registry],
});

export const journeyExits = new client.Counter({
  name: 'relance_journey_exits_total',
  help: 'Journey runs that ended, by outcome (completed, exited_goal, exited_timeout, exited, stopped)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const emails = new client.Counter({
  name: 'relance_emails_total',
  help: 'E-mail send attempts by outcome (sent, skipped, deferred, failed, bounced) and reason',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const smtpDuration = new client.Histogram({
  name: 'relance_smtp_send_duration_seconds',
  help: 'One message handed to the SMTP server, from the first byte to its answer',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** A reading of the shared database, taken when Prometheus scrapes. */
export interface DatabaseReading {
  outboxPending: number;
  outboxOldestAgeSeconds: number;
  handoffs: readonly { status: string; count: number }[];
  slaBreaches: number;
  newsletterRecipients: readonly { newsletterId: string; status: string; count: number }[];
  pool: { total: number; idle: number; waiting: number };
}

/**
 * Registers the gauges read from the database. `read` runs once per scrape, shared by every gauge
 * of that scrape, and a database that does not answer leaves the gauges at their last values
 * rather than failing the scrape: a metrics endpoint must answer most when things go wrong.
 */
export function observeDatabase(read: () => Promise<DatabaseReading>): void {
  let pending: Promise<DatabaseReading | undefined> | undefined;
  const reading = () => {
    pending ??= read()
      .catch(() => undefined)
      .finally(() => setTimeout(() => (pending = undefined), 0));
    return pending;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], apply: (gauge: client.Gauge<L>, reading: DatabaseReading) => void) => {
    registry.removeSingleMetric(name);
    new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const value = await reading();
        if (value !== undefined) apply(this, value);
      },
    });
  };
  gauge('relance_outbox_pending', 'Orchestration intents committed but not yet handed to Temporal', [], (g, r) => g.set(r.outboxPending));
  gauge('relance_outbox_lag_seconds', 'Age of the oldest intent not yet handed to Temporal (0 when none)', [], (g, r) => g.set(r.outboxOldestAgeSeconds));
  gauge('relance_handoffs', 'Hand-offs to sales by status', ['status'], (g, r) => {
    g.reset();
    for (const { status, count } of r.handoffs) g.set({ status }, count);
  });
  gauge('relance_handoff_sla_breaches', 'Hand-offs waiting for their rep past their SLA', [], (g, r) => g.set(r.slaBreaches));
  gauge('relance_newsletter_recipients', 'Recipients of newsletters being sent, by status', ['newsletter', 'status'], (g, r) => {
    g.reset();
    for (const { newsletterId, status, count } of r.newsletterRecipients) g.set({ newsletter: newsletterId, status }, count);
  });
  gauge('relance_db_pool_connections', 'Connections of this process to PostgreSQL', ['state'], (g, r) => {
    g.set({ state: 'total' }, r.pool.total);
    g.set({ state: 'idle' }, r.pool.idle);
    g.set({ state: 'waiting' }, r.pool.waiting);
  });
}

/**
 * The exposition: this registry, then the Temporal SDK's own metrics when its runtime exports them
 * (Rust core's Prometheus endpoint, read on loopback and appended, so one scrape sees both).
 */
export async function renderMetrics(temporalMetricsUrl?: string): Promise<string> {
  const own = await registry.metrics();
  if (temporalMetricsUrl === undefined) return own;
  const sdk = await fetch(temporalMetricsUrl, { signal: AbortSignal.timeout(2_000) })
    .then((response) => (response.ok ? response.text() : ''))
    .catch(() => '');
  return sdk === '' ? own : `${own}\n${sdk}`;
}

export const METRICS_CONTENT_TYPE = registry.contentType;
