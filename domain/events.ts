import { z } from 'zod';

// Segment's spec names: existing sites send these bodies unchanged.
// String formats (z.email(), z.iso.datetime()) are deliberately avoided on this hot path: they make a
// parse several times slower, and a timestamp only needs to be something Date.parse understands.

const isoTimestamp = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 timestamp');

const id = z.string().min(1).max(200);

const properties = z.record(z.string(), z.unknown());

const eventName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9 _.:-]*$/, 'letters, digits, spaces and _ . : - only');

const common = {
  messageId: id,
  userId: id.optional(),
  anonymousId: id.optional(),
  timestamp: isoTimestamp.optional(),
  sentAt: isoTimestamp.optional(),
  context: properties.optional(),
};

export const TrackEvent = z.object({
  type: z.literal('track'),
  event: eventName,
  properties: properties.default({}),
  ...common,
});
export type TrackEvent = z.infer<typeof TrackEvent>;

export const IdentifyEvent = z.object({
  type: z.literal('identify'),
  traits: properties.default({}),
  ...common,
});
export type IdentifyEvent = z.infer<typeof IdentifyEvent>;

export const PageEvent = z.object({
  type: z.literal('page'),
  name: z.string().max(200).optional(),
  properties: properties.default({}),
  ...common,
});
export type PageEvent = z.infer<typeof PageEvent>;

const requireIdentity = (event: { userId?: string | undefined; anonymousId?: string | undefined }) =>
  event.userId !== undefined || event.anonymousId !== undefined;
const identityIssue = { message: 'userId or anonymousId is required', path: ['userId'] };

export const InboundEvent = z
  .discriminatedUnion('type', [TrackEvent, IdentifyEvent, PageEvent])
  .refine(requireIdentity, identityIssue);
export type InboundEvent = z.infer<typeof InboundEvent>;

/**
 * Event types the engine understands. They are public contracts: once shipped, never renamed.
 * Any other name is accepted as a custom event.
 */
export const KnownEventType = z.enum([
  'page_viewed',
  'form_submitted',
  'newsletter_subscribed',
  'guide_requested',
  'quote_requested',
  'cart_updated',
  'checkout_started',
  'order_completed',
  'wishlist_added',
  'email_opened',
  'email_clicked',
  'survey_answered',
  'coupon_redeemed',
  'stage_changed',
]);
export type KnownEventType = z.infer<typeof KnownEventType>;

/** Events that make an anonymous visitor a known lead when they carry an e-mail address. */
export const SIGN_UP_EVENTS: ReadonlySet<string> = new Set([
  'form_submitted',
  'newsletter_subscribed',
  'guide_requested',
  'quote_requested',
]);

/** The stored shape: one row per event whatever its Segment type. */
export interface NormalizedEvent {
  messageId: string;
  type: string;
  userId: string | null;
  anonymousId: string | null;
  occurredAt: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * An identifier as PostgreSQL will store it: a lone UTF-16 surrogate (valid in a JS string, not in
 * UTF-8) becomes U+FFFD, so a retry and the stored row are matched on the same text.
 */
function wellFormed(value: string): string {
  return LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\ufffd') : value;
}

/**
 * Maps a Segment call onto the engine's event: `page` becomes `page_viewed`, `identify` becomes
 * `identified`, and a device clock that is off is corrected by the gap between its `sentAt` and our
 * `receivedAt`, as Segment does.
 */
export function normalizeEvent(event: InboundEvent, receivedAt: Date, receivedIso = receivedAt.toISOString()): NormalizedEvent {
  let occurredAt = receivedIso;
  if (event.timestamp !== undefined) {
    let occurred = Date.parse(event.timestamp);
    if (event.sentAt !== undefined) occurred += receivedAt.getTime() - Date.parse(event.sentAt);
    occurredAt = new Date(occurred).toISOString();
  }
  const base = {
    messageId: wellFormed(event.messageId),
    userId: event.userId === undefined ? null : wellFormed(event.userId),
    anonymousId: event.anonymousId === undefined ? null : wellFormed(event.anonymousId),
    occurredAt,
    receivedAt: receivedIso,
    context: event.context ?? {},
  };
  switch (event.type) {
    case 'track':
      return { ...base, type: event.event, properties: event.properties, traits: {} };
    case 'page':
      return {
        ...base,
        type: 'page_viewed',
        properties: event.name === undefined ? event.properties : { name: event.name, ...event.properties },
        traits: {},
      };
    case 'identify':
      return { ...base, type: 'identified', properties: {}, traits: event.traits };
  }
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The e-mail address an event carries, from traits first, then properties. */
export function emailOf(event: Pick<NormalizedEvent, 'traits' | 'properties'>): string | undefined {
  for (const candidate of [event.traits['email'], event.properties['email']]) {
    if (typeof candidate === 'string' && EMAIL_PATTERN.test(candidate)) return candidate.toLowerCase();
  }
  return undefined;
}
