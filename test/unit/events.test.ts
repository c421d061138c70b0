import { describe, expect, it } from 'vitest';
import { InboundEvent, emailOf, normalizeEvent } from '../../domain/events.js';

describe('inbound events', () => {
  it('accepts the Segment track call of the quick start', () => {
    const parsed = InboundEvent.parse({
      type: 'track',
      event: 'form_submitted',
      anonymousId: 'a-1',
      messageId: 'm-1',
      properties: { email: 'ada@example.com', firstName: 'Ada' },
    });
    expect(parsed).toMatchObject({ type: 'track', event: 'form_submitted', properties: { firstName: 'Ada' } });
  });

  it('requires an identity and names the field', () => {
    const result = InboundEvent.safeParse({ type: 'track', event: 'x', messageId: 'm' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['userId']);
  });

  it('rejects a timestamp that is not a date, naming it', () => {
    const result = InboundEvent.safeParse({ type: 'page', anonymousId: 'a', messageId: 'm', timestamp: 'yesterday' });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['timestamp']);
  });

  it('corrects a device clock that is off using sentAt', () => {
    // The device's clock runs 1 hour behind: it stamped the event 10 s before sending.
    const event = InboundEvent.parse({
      type: 'track',
      event: 'page_viewed',
      anonymousId: 'a',
      messageId: 'm',
      timestamp: '2026-01-01T09:00:00.000Z',
      sentAt: '2026-01-01T09:00:10.000Z',
    });
    const normalized = normalizeEvent(event, new Date('2026-01-01T10:00:10.000Z'));
    expect(normalized.occurredAt).toBe('2026-01-01T10:00:00.000Z');
    expect(normalized.receivedAt).toBe('2026-01-01T10:00:10.000Z');
  });

  it('maps page and identify calls onto engine events', () => {
    const received = new Date('2026-01-01T00:00:00Z');
    const page = normalizeEvent(InboundEvent.parse({ type: 'page', name: 'Pricing', anonymousId: 'a', messageId: 'p' }), received);
    expect(page).toMatchObject({ type: 'page_viewed', properties: { name: 'Pricing' }, occurredAt: received.toISOString() });
    const identify = normalizeEvent(InboundEvent.parse({ type: 'identify', userId: 'u', messageId: 'i', traits: { email: 'A@B.co' } }), received);
    expect(identify).toMatchObject({ type: 'identified', traits: { email: 'A@B.co' } });
    expect(emailOf(identify)).toBe('a@b.co');
  });

  it('ignores an e-mail property that is not an address', () => {
    expect(emailOf({ traits: {}, properties: { email: 'not an address' } })).toBeUndefined();
    expect(emailOf({ traits: {}, properties: { email: 42 } })).toBeUndefined();
  });

  it('dates an event without a timestamp at its arrival', () => {
    const received = new Date('2026-11-20T12:00:00.123Z');
    const event = normalizeEvent(InboundEvent.parse({ type: 'page', anonymousId: 'a', messageId: 'm' }), received);
    expect(event).toMatchObject({ occurredAt: '2026-11-20T12:00:00.123Z', receivedAt: '2026-11-20T12:00:00.123Z' });
  });

  it('replaces a lone UTF-16 surrogate in an identifier with U+FFFD, as it will be stored, and keeps a pair', () => {
    const event = normalizeEvent(InboundEvent.parse({ type: 'identify', userId: 'u-\ud83d\ude00', anonymousId: 'a-\udc00', messageId: 'm-\ud800x' }), new Date());
    expect(event).toMatchObject({ userId: 'u-\ud83d\ude00', anonymousId: 'a-\ufffd', messageId: 'm-\ufffdx' });
  });

  describe('the typed catalogue', () => {
    const track = (event: string, properties: Record<string, unknown>) => InboundEvent.safeParse({ type: 'track', event, userId: 'u', messageId: 'm', properties });
    const issuesOf = (result: ReturnType<typeof track>) => result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

    it('refuses a known property of the wrong type, naming its path', () => {
      expect(issuesOf(track('order_completed', { order_id: 'o-1', total: '42.00' }))).toEqual([expect.stringMatching(/^properties\.total: .*number/)]);
      expect(issuesOf(track('cart_updated', { products: [{ sku: 'A', quantity: -1 }] }))).toEqual([expect.stringMatching(/^properties\.products\.0\.quantity: /)]);
      expect(issuesOf(track('order_completed', { currency: 'euro' }))).toEqual(['properties.currency: expected an ISO 4217 code such as EUR']);
      expect(issuesOf(track('coupon_redeemed', {}))).toEqual([expect.stringMatching(/^properties\.code: /)]);
      expect(issuesOf(track('newsletter_subscribed', { topic: 'Weekly News' }))).toEqual(['properties.topic: a topic is lowercase letters, digits and _ (e.g. "newsletter")']);
      expect(issuesOf(track('newsletter_subscribed', { topic: 'all' }))).toEqual(['properties.topic: "all" is not a topic one subscribes to']);
      expect(issuesOf(InboundEvent.safeParse({ type: 'page', anonymousId: 'a', messageId: 'm', properties: { url: 42 } }))).toEqual([expect.stringMatching(/^properties\.url: /)]);
    });

    it('lets other properties, numeric ids and custom events through unchanged', () => {
      const order = track('order_completed', { order_id: 1042, total: 42, products: [{ product_id: 7, price: 21, quantity: 2, colour: 'teal' }], gift_wrap: true });
      expect(order.success).toBe(true);
      expect(order.data).toMatchObject({ properties: { gift_wrap: true, products: [{ colour: 'teal' }] } });
      expect(track('order_completed', {}).success).toBe(true);
      expect(track('Video Played', { total: 'not a number, and not ours to type' }).success).toBe(true);
      // A sign-up with a mistyped address still counts as a form submission; it just identifies no one.
      expect(track('form_submitted', { email: 'ada@example' }).success).toBe(true);
    });
  });
});
