import { eventsRejected, ingestionDuration, METRICS_CONTENT_TYPE, observeDatabase, renderMetrics, type DatabaseReading } from '../../telemetry/metrics.js';
import type { ApiInstance } from '../app.js';

/** Why an ingestion request was refused, as the metric names it: one label value per HTTP answer. */
const REJECTION_REASONS: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  413: 'too_large',
  415: 'unsupported_encoding',
  429: 'rate_limited',
  503: 'unavailable',
};

export function registerMetricsRoutes(app: ApiInstance, deps: { operationalState: () => Promise<DatabaseReading>; temporalMetricsUrl?: string | undefined }): void {
  observeDatabase(deps.operationalState);

  // Every route tagged `ingestion` is timed and its refusals counted, whatever sender it serves.
  app.addHook('onResponse', async (request, reply) => {
    if (!request.routeOptions.schema?.tags?.includes('ingestion')) return;
    const route = request.routeOptions.url ?? 'unknown';
    ingestionDuration.observe({ route }, reply.elapsedTime / 1000);
    const reason = REJECTION_REASONS[reply.statusCode];
    if (reason !== undefined) eventsRejected.inc({ reason });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    // Prometheus' text format: no personal data, only counts and timings; scraped without a key,
    // like /health, from the operator's network (put it behind the same ingress rules).
    return reply.type(METRICS_CONTENT_TYPE).send(await renderMetrics(deps.temporalMetricsUrl));
  });
}
