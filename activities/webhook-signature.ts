import { createHmac, timingSafeEqual } from 'node:crypto';

// Every webhook Relance sends (CRM hand-offs, journey webhook nodes) is signed the same way, so a
// receiver writes one check. The secret is WEBHOOK_SECRET, shared with the receiver.
export const SIGNATURE_HEADER = 'X-Relance-Signature';
export const TIMESTAMP_HEADER = 'X-Relance-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Older than this, a signed request is refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=` + hex HMAC-SHA256 over `<timestamp>.<body>`, timestamp in Unix seconds. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one signed delivery; `idempotencyKey` stays the same on every retry of it. */
export function signedWebhookHeaders(secret: string, body: string, idempotencyKey: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signWebhookBody(secret, timestamp, body),
    [IDEMPOTENCY_HEADER]: idempotencyKey,
  };
}

/** What a receiver runs: the signature matches (in constant time) and the timestamp is recent. */
export function verifyWebhookSignature(
  secret: string,
  request: { timestamp: string | undefined; signature: string | undefined; body: string },
  now: Date,
): boolean {
  const { timestamp, signature, body } = request;
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
