import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedWebhookHeaders, verifyWebhookSignature } from '../../activities/webhook-signature.js';

const SECRET = 'webhook-secret-webhook-secret-0123456789';
const now = new Date('2026-11-23T12:00:00Z');
const body = JSON.stringify({ type: 'handoff.assigned', handoff: { id: 'h-1' } });

describe('webhook signatures', () => {
  const headers = signedWebhookHeaders(SECRET, body, 'delivery-1', now);
  const request = { timestamp: headers['X-Relance-Timestamp'], signature: headers['X-Relance-Signature'], body };

  it('signs HMAC-SHA256 over "<timestamp>.<body>" as a receiver recomputes it', () => {
    expect(headers['X-Relance-Timestamp']).toBe(String(now.getTime() / 1000));
    expect(headers['X-Relance-Signature']).toBe(`v1=${createHmac('sha256', SECRET).update(`${now.getTime() / 1000}.${body}`).digest('hex')}`);
    expect(headers['Idempotency-Key']).toBe('delivery-1');
    expect(verifyWebhookSignature(SECRET, request, now)).toBe(true);
  });

  it('refuses a tampered body, a tampered signature, another secret, a missing header and a replay', () => {
    expect(verifyWebhookSignature(SECRET, { ...request, body: body.replace('h-1', 'h-2') }, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...request, signature: request.signature!.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }, now)).toBe(false);
    expect(verifyWebhookSignature(`${SECRET}x`, request, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...request, signature: undefined }, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, { ...request, timestamp: String(Number(request.timestamp) + 1) }, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, request, new Date(now.getTime() + 301_000))).toBe(false);
  });
});
