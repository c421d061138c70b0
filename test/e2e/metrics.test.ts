import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEngine, type RunningEngine } from '../helpers/engine.js';
import { quietRuntime } from '../helpers/temporal.js';

// What an operator's Prometheus scrapes from the API (and, in one process, the worker beside it):
// the values must move with what the engine does, or an alert on them would watch nothing.

/** The sum of every sample of a metric whose labels contain `labels`, from Prometheus' text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const own = match[2] ?? '';
    if (!Object.entries(labels).every(([key, value]) => own.includes(`${key}="${value}"`))) continue;
    found = true;
    total += Number(match[3]);
  }
  return found ? total : Number.NaN;
}

describe('GET /metrics', () => {
  let engine: RunningEngine;

  beforeAll(async () => {
    // As `npm start` does: the SDK's own metrics on a loopback exporter, appended to /metrics.
    const sdkPort = await freePort();
    quietRuntime({ prometheusBindAddress: `127.0.0.1:${sdkPort}` });
    engine = await startEngine({ temporalMetricsUrl: `http://127.0.0.1:${sdkPort}/metrics` });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(`${engine.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  }

  it('counts events, refusals, e-mails and SMTP time as they happen, and reads the outbox, hand-offs and pool', async () => {
    const before = await scrape();
    const stored = (text: string) => sample(text, 'relance_events_ingested_total', { outcome: 'stored' }) || 0;
    const duplicates = (text: string) => sample(text, 'relance_events_ingested_total', { outcome: 'duplicate' }) || 0;
    const invalid = (text: string) => sample(text, 'relance_events_rejected_total', { reason: 'invalid' }) || 0;
    const unauthorized = (text: string) => sample(text, 'relance_events_rejected_total', { reason: 'unauthorized' }) || 0;
    const timed = (text: string) => sample(text, 'relance_ingestion_request_duration_seconds_count', { route: '/v1/track' }) || 0;
    const sent = (text: string) => sample(text, 'relance_emails_total', { outcome: 'sent' }) || 0;
    const smtpCount = (text: string) => sample(text, 'relance_smtp_send_duration_seconds_count') || 0;

    const signUp = { type: 'track', event: 'form_submitted', anonymousId: 'metrics-1', messageId: 'metrics-signup', properties: { email: 'metrics@example.com', firstName: 'Grace' } };
    expect((await engine.post('/v1/track', signUp)).status).toBe(200);
    expect((await engine.post('/v1/track', signUp)).body.stored).toBe(false);
    expect((await engine.post('/v1/track', { type: 'track', event: 'page_viewed', messageId: 'no-identity' })).status).toBe(400);
    expect((await engine.post('/v1/track', signUp, { authorization: 'Bearer rlw_not-a-key' })).status).toBe(401);
    await engine.smtp.waitFor((message) => message.to.includes('metrics@example.com'));

    // The e-mail's counter moves once the send activity returns, a moment after the message arrived.
    await expect.poll(async () => sent(await scrape()) - sent(before), { timeout: 10_000 }).toBe(1);
    const after = await scrape();
    expect(stored(after) - stored(before)).toBe(1);
    expect(duplicates(after) - duplicates(before)).toBe(1);
    expect(invalid(after) - invalid(before)).toBe(1);
    expect(unauthorized(after) - unauthorized(before)).toBe(1);
    expect(timed(after) - timed(before)).toBe(4);
    expect(smtpCount(after) - smtpCount(before)).toBe(1);

    // Read from PostgreSQL at scrape time: the outbox drained, the pool in use, no hand-off yet.
    expect(sample(after, 'relance_outbox_pending')).toBe(0);
    expect(sample(after, 'relance_outbox_lag_seconds')).toBe(0);
    expect(sample(after, 'relance_handoff_sla_breaches')).toBe(0);
    expect(sample(after, 'relance_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    // The Temporal SDK's own metrics ride along: the worker polled and ran workflow tasks.
    expect(sample(after, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
