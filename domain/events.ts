import { z } from 'zod';
import { ALL_TOPICS, TOPIC_PATTERN } from './send-policy.js';

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
  // RudderStack's SDKs send the device time as `originalTimestamp` (Segment's name for it once stored).
  originalTimestamp: isoTimestamp.optional(),
  sentAt: isoTimestamp.optional(),
  context: properties.optional(),
};

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

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// The typed catalogue: the properties the engine reads from the events it understands. Only those
// are typed, and all are optional (a shop sends what it has); any other property passes through, so
// existing sites plug in unchanged. A known property of the wrong type is refused with its path.
const reference = z.union([z.string().min(1).max(200), z.number().finite()]);
const amount = z.number().finite();
const text = (max: number) => z.string().max(max);
const product = z.looseObject({
  product_id: reference.optional(),
  sku: reference.optional(),
  name: text(500).optional(),
  category: text(200).optional(),
  price: amount.optional(),
  quantity: z.number().int().min(0).optional(),
  image_url: text(2000).optional(),
  url: text(2000).optional(),
});
const basket = {
  cart_id: reference.optional(),
  products: z.array(product).max(500).optional(),
  total: amount.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR').optional(),
};
// An e-mail that is not an address is kept as a property and ignored for identity (emailOf), not refused:
// the form submission itself still counts.
const signUp = { email: text(320).optional(), form: text(200).optional() };

export const KNOWN_EVENT_PROPERTIES = {
  page_viewed: z.looseObject({ url: text(4000).optional(), path: text(4000).optional(), title: text(1000).optional(), referrer: text(4000).optional() }),
  form_submitted: z.looseObject(signUp),
  newsletter_subscribed: z.looseObject({
    ...signUp,
    topic: z
      .string()
      .regex(TOPIC_PATTERN, 'a topic is lowercase letters, digits and _ (e.g. "newsletter")')
      .refine((topic) => topic !== ALL_TOPICS, `"${ALL_TOPICS}" is not a topic one subscribes to`)
      .optional(),
  }),
  guide_requested: z.looseObject({ ...signUp, guide: text(200).optional() }),
  quote_requested: z.looseObject(signUp),
  cart_updated: z.looseObject(basket),
  checkout_started: z.looseObject({ ...basket, order_id: reference.optional() }),
  order_completed: z.looseObject({ ...basket, order_id: reference.optional(), revenue: amount.optional(), coupon: text(100).optional() }),
  wishlist_added: z.looseObject({ product_id: reference.optional(), name: text(500).optional(), category: text(200).optional(), price: amount.optional() }),
  email_opened: z.looseObject({ email_id: text(200).optional() }),
  email_clicked: z.looseObject({ email_id: text(200).optional(), url: text(4000).optional() }),
  survey_answered: z.looseObject({ score: amount.optional(), survey_id: reference.optional(), order_id: reference.optional() }),
  coupon_redeemed: z.looseObject({ code: z.string().min(1).max(100) }),
  stage_changed: z.looseObject({}),
} satisfies Record<KnownEventType, z.ZodType>;

function checkCatalogue(type: string, props: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const schema = (KNOWN_EVENT_PROPERTIES as Record<string, z.ZodType | undefined>)[type];
  if (schema === undefined) return;
  const result = schema.safeParse(props);
  if (result.success) return;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['properties', ...issue.path] });
}

/**
 * What the group and alias calls are stored as. A track event may not take these names, so ingestion
 * can tell a group call (which writes an account) or an alias (which merges profiles) by its type.
 */
export const GROUP_CALL = 'grouped';
export const ALIAS_CALL = 'aliased';
/** Calls about who a person is, not something they did: they move no last-activity time. */
export const PROFILE_CALLS: ReadonlySet<string> = new Set(['identified', GROUP_CALL, ALIAS_CALL]);
const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([GROUP_CALL, ALIAS_CALL]);

export const TrackEvent = z
  .object({
    type: z.literal('track'),
    event: eventName.refine((name) => !RESERVED_EVENT_NAMES.has(name), 'reserved: "grouped" and "aliased" are what the group and alias calls are stored as'),
    properties: properties.default({}),
    ...common,
  })
  .superRefine((event, ctx) => checkCatalogue(event.event, event.properties, ctx));
export type TrackEvent = z.infer<typeof TrackEvent>;

export const IdentifyEvent = z.object({
  type: z.literal('identify'),
  traits: properties.default({}),
  ...common,
});
export type IdentifyEvent = z.infer<typeof IdentifyEvent>;

export const PageEvent = z
  .object({
    type: z.literal('page'),
    name: z.string().max(200).optional(),
    properties: properties.default({}),
    ...common,
  })
  .superRefine((event, ctx) => checkCatalogue('page_viewed', event.properties, ctx));
export type PageEvent = z.infer<typeof PageEvent>;

/** Segment's group call: the account (B2B company) a contact belongs to, with the account's traits. */
export const GroupEvent = z.object({
  type: z.literal('group'),
  groupId: id,
  traits: properties.default({}),
  ...common,
});
export type GroupEvent = z.infer<typeof GroupEvent>;

/** Segment's alias call: `previousId` (an anonymous id or a former user id) is the same person as `userId`. */
export const AliasEvent = z.object({
  type: z.literal('alias'),
  previousId: id,
  ...common,
  userId: id,
});
export type AliasEvent = z.infer<typeof AliasEvent>;

const requireIdentity = (event: { userId?: string | undefined; anonymousId?: string | undefined }) =>
  event.userId !== undefined || event.anonymousId !== undefined;
const identityIssue = { message: 'userId or anonymousId is required', path: ['userId'] };

export const InboundEvent = z
  .discriminatedUnion('type', [TrackEvent, IdentifyEvent, PageEvent, GroupEvent, AliasEvent])
  .refine(requireIdentity, identityIssue);
export type InboundEvent = z.infer<typeof InboundEvent>;


/** A newsletter sign-up subscribes its `topic` property (`newsletter` when absent). */
export const NEWSLETTER_SIGN_UP = 'newsletter_subscribed';
export const DEFAULT_SIGN_UP_TOPIC = 'newsletter';

export function signUpTopic(properties: Record<string, unknown>): string {
  const topic = properties['topic'];
  return typeof topic === 'string' ? topic : DEFAULT_SIGN_UP_TOPIC;
}

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
 * `identified`, `group` `grouped`, `alias` `aliased`, and a device clock that is off is corrected by the gap between its `sentAt` and our
 * `receivedAt`, as Segment does.
 */
export function normalizeEvent(event: InboundEvent, receivedAt: Date, receivedIso = receivedAt.toISOString()): NormalizedEvent {
  let occurredAt = receivedIso;
  const deviceTime = event.timestamp ?? event.originalTimestamp;
  if (deviceTime !== undefined) {
    let occurred = Date.parse(deviceTime);
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
    // The account's id and the previous id travel as properties; the group's traits are the account's.
    case 'group':
      return { ...base, type: GROUP_CALL, properties: { groupId: wellFormed(event.groupId) }, traits: event.traits };
    case 'alias':
      return { ...base, type: ALIAS_CALL, properties: { previousId: wellFormed(event.previousId) }, traits: {} };
  }
}


/** The e-mail address an event carries, from traits first, then properties. */
export function emailOf(event: Pick<NormalizedEvent, 'traits' | 'properties'>): string | undefined {
  for (const candidate of [event.traits['email'], event.properties['email']]) {
    if (typeof candidate === 'string' && EMAIL_PATTERN.test(candidate)) return candidate.toLowerCase();
  }
  return undefined;
}
