import { z } from 'zod';

// Coupon campaigns and the rules a checkout or a till applies to a code. Pure: the clock is an
// argument, codes are drawn in db/ (randomness), and every refusal carries a message written for the
// cashier who reads it out, not for a developer.

/** Campaign ids appear in journey definitions (`issue_coupon.campaign`) and URLs: short, no spaces. */
export const CampaignId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'id: 1–64 characters, lower-case letters, digits, "_" or "-"');
export type CampaignId = z.infer<typeof CampaignId>;

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'currency: ISO 4217, e.g. "EUR"');

/** A code as a shop or a customer types it. Code 128 and QR carry any of these characters. */
export const CouponCode = z
  .string()
  .trim()
  .min(3, 'a coupon code has at least 3 characters')
  .max(64, 'a coupon code has at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'a coupon code is letters, digits, "-", "_" or "." only');

// No 0/O or 1/I: codes are read aloud at a till and typed from a phone.
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export const CouponDiscount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), percent: z.number().positive().max(100) }),
  z.object({ kind: z.literal('amount'), amount: z.number().positive(), currency: Currency }),
]);
export type CouponDiscount = z.infer<typeof CouponDiscount>;

const Category = z.string().trim().min(1).max(200);

export const CouponScope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('categories'), categories: z.array(Category).min(1).max(100) }),
  z.object({ kind: z.literal('minimum_order'), amount: z.number().positive(), currency: Currency }),
]);
export type CouponScope = z.infer<typeof CouponScope>;

const Instant = z.iso.datetime({ offset: true });

export const CouponValidity = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('fixed'), from: Instant.optional(), until: Instant })
    .refine((v) => v.from === undefined || Date.parse(v.from) < Date.parse(v.until), { message: 'until: must be after from', path: ['until'] }),
  z.object({ kind: z.literal('days_from_issue'), days: z.number().int().positive().max(3650) }),
]);
export type CouponValidity = z.infer<typeof CouponValidity>;

export const CodeFormat = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('generated'),
    prefix: z.string().regex(/^[A-Z0-9-]{0,16}$/, 'prefix: up to 16 upper-case letters, digits or "-"').default(''),
    /** Random characters after the prefix: 8 of 32 letters and digits make a trillion codes. */
    length: z.number().int().min(6).max(32).default(10),
  }),
  z.object({ kind: z.literal('pool') }),
]);
export type CodeFormat = z.infer<typeof CodeFormat>;

/** What a campaign's codes are worth and when: stored whole (coupon_campaigns.terms), never edited. */
export const CampaignTerms = z
  .object({
    discount: CouponDiscount,
    scope: CouponScope.default({ kind: 'all' }),
    validity: CouponValidity,
    usesPerCode: z.number().int().positive().max(1_000_000).default(1),
    /** Redemptions of all the campaign's codes together; unlimited when absent. */
    maxRedemptions: z.number().int().positive().optional(),
    codes: CodeFormat.default({ kind: 'generated', prefix: '', length: 10 }),
  })
  .superRefine((terms, ctx) => {
    if (terms.discount.kind === 'amount' && terms.scope.kind === 'minimum_order' && terms.scope.currency !== terms.discount.currency) {
      ctx.addIssue({ code: 'custom', path: ['scope', 'currency'], message: `must be the discount's currency (${terms.discount.currency})` });
    }
    if (terms.codes.kind === 'generated' && terms.codes.prefix.length + terms.codes.length > 64) {
      ctx.addIssue({ code: 'custom', path: ['codes', 'length'], message: 'prefix and random part together are at most 64 characters' });
    }
  });
export type CampaignTerms = z.infer<typeof CampaignTerms>;

export const NewCampaign = z.object({
  /** Defaults to the name in lower case with dashes ("Spring sale" → "spring-sale"). */
  id: CampaignId.optional(),
  name: z.string().trim().min(1).max(200),
  terms: CampaignTerms,
});
export type NewCampaign = z.infer<typeof NewCampaign>;

export function campaignIdFrom(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug === '' ? 'campaign' : slug;
}

/** An order at a checkout or a till, as the redemption API receives it. */
export const RedeemOrder = z.object({
  orderId: z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String),
  total: z.number().nonnegative().finite(),
  /** The coupon's currency when absent. */
  currency: Currency.optional(),
  /** Product categories in the order; needed for a coupon limited to some categories. */
  categories: z.array(Category).max(500).optional(),
});
export type RedeemOrder = z.infer<typeof RedeemOrder>;

/** What is known about one code when a till asks. */
export interface CouponFacts {
  code: string;
  discount: CouponDiscount;
  scope: CouponScope;
  validFrom: Date | null;
  expiresAt: Date;
  usesAllowed: number;
  /** Redemptions so far, oldest first. */
  redemptions: readonly { orderId: string; at: Date }[];
  campaign: { id: string; name: string; maxRedemptions: number | null; redemptions: number } | null;
}

export type Refusal =
  | { status: 409; reason: 'already_used'; message: string; redeemedAt: string }
  | { status: 410; reason: 'expired'; message: string; expiresAt: string }
  | { status: 410; reason: 'offer_ended'; message: string }
  | { status: 422; reason: 'not_yet_valid' | 'currency_mismatch' | 'below_minimum' | 'out_of_scope'; message: string };

const WHEN = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
/** "8 Nov 2026, 10:00 UTC": read out at a till, unambiguous across locales. */
export const formatWhen = (at: Date) => `${WHEN.format(at)} UTC`;

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

export function describeDiscount(discount: CouponDiscount): string {
  return discount.kind === 'percent' ? `${discount.percent} % off` : `${money(discount.amount, discount.currency)} off`;
}

/** The currency an order is taken in when it does not say: the one the coupon's terms are in. */
function couponCurrency(facts: Pick<CouponFacts, 'discount' | 'scope'>): string | undefined {
  if (facts.discount.kind === 'amount') return facts.discount.currency;
  if (facts.scope.kind === 'minimum_order') return facts.scope.currency;
  return undefined;
}

/**
 * Why a code cannot be used now, for this order when one is given, or undefined when it can. The
 * order of the checks is the order a cashier needs: used or dead codes first, then the basket.
 */
export function refusalOf(facts: CouponFacts, order: Omit<RedeemOrder, 'orderId'> | undefined, now: Date): Refusal | undefined {
  const last = facts.redemptions.at(-1);
  if (last !== undefined && facts.redemptions.length >= facts.usesAllowed) {
    const times = facts.usesAllowed === 1 ? '' : ` (all ${facts.usesAllowed} uses)`;
    return { status: 409, reason: 'already_used', redeemedAt: last.at.toISOString(), message: `This coupon was already used${times} on ${formatWhen(last.at)}, for order ${last.orderId}.` };
  }
  if (now.getTime() >= facts.expiresAt.getTime()) {
    return { status: 410, reason: 'expired', expiresAt: facts.expiresAt.toISOString(), message: `This coupon expired on ${formatWhen(facts.expiresAt)}.` };
  }
  const { campaign } = facts;
  if (campaign !== null && campaign.maxRedemptions !== null && campaign.redemptions >= campaign.maxRedemptions) {
    return { status: 410, reason: 'offer_ended', message: `This offer has ended: its ${campaign.maxRedemptions} coupons have all been used.` };
  }
  if (facts.validFrom !== null && now.getTime() < facts.validFrom.getTime()) {
    return { status: 422, reason: 'not_yet_valid', message: `This coupon can be used from ${formatWhen(facts.validFrom)}.` };
  }
  if (order === undefined) return undefined;
  const expected = couponCurrency(facts);
  if (expected !== undefined && order.currency !== undefined && order.currency !== expected) {
    return { status: 422, reason: 'currency_mismatch', message: `This coupon is in ${expected}; this order is in ${order.currency}.` };
  }
  const { scope } = facts;
  if (scope.kind === 'minimum_order' && order.total < scope.amount) {
    return {
      status: 422,
      reason: 'below_minimum',
      message: `This coupon needs an order of at least ${money(scope.amount, scope.currency)}; this order is ${money(order.total, scope.currency)}.`,
    };
  }
  if (scope.kind === 'categories') {
    const wanted = new Set(scope.categories.map((c) => c.toLowerCase()));
    if (!(order.categories ?? []).some((category) => wanted.has(category.trim().toLowerCase()))) {
      const listed = order.categories === undefined || order.categories.length === 0 ? 'this order lists no category' : 'nothing in this order is in those categories';
      return { status: 422, reason: 'out_of_scope', message: `This coupon applies only to ${scope.categories.join(', ')}: ${listed}.` };
    }
  }
  return undefined;
}

/** What the till takes off, when the coupon applies to the whole order (a category coupon applies to some lines only). */
export function amountOff(facts: Pick<CouponFacts, 'discount' | 'scope'>, total: number): number | null {
  if (facts.scope.kind === 'categories') return null;
  const off = facts.discount.kind === 'percent' ? (total * facts.discount.percent) / 100 : Math.min(facts.discount.amount, total);
  return Math.round(off * 100) / 100;
}

/** The sentence a till shows once a code is accepted. */
export function acceptedMessage(facts: Pick<CouponFacts, 'discount' | 'scope'>, order: Omit<RedeemOrder, 'orderId'>): string {
  const off = amountOff(facts, order.total);
  const currency = order.currency ?? couponCurrency(facts);
  if (facts.scope.kind === 'categories') return `Coupon accepted: ${describeDiscount(facts.discount)} the ${facts.scope.categories.join(', ')} in this order.`;
  const amount = off === null || currency === undefined ? '' : `: take ${money(off, currency)} off`;
  return `Coupon accepted, ${describeDiscount(facts.discount)} this order${amount}.`;
}

export interface PoolImport {
  /** Valid codes, each once, in file order. */
  codes: string[];
  /** Lines that repeat a code of an earlier line: skipped. */
  repeated: number;
  /** Lines that hold no usable code, with why. */
  issues: { line: number; message: string }[];
}

const HEADER = /^(code|codes|coupon|coupon_code|coupon code|voucher|voucher_code)$/i;

/** One CSV line's cells; quoted cells may hold the delimiter and doubled quotes. Null when a quote is left open. */
function cellsOf(line: string, delimiter: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

/**
 * A shop's export of codes: one code a line, or a CSV whose `code` column (by header) or first
 * column holds them; comma, semicolon (spreadsheets set to French or German) or tab separated.
 */
export function parsePoolCsv(text: string): PoolImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const firstLine = lines.find((line) => line.trim() !== '') ?? '';
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!;
  const sep = delimiter.n > 1 ? delimiter.d : ',';
  let column = 0;
  let headerSeen = false;
  const codes: string[] = [];
  const firstLineOf = new Map<string, number>();
  const issues: PoolImport['issues'] = [];
  let repeated = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const cells = cellsOf(raw, sep);
    if (cells === null) {
      issues.push({ line, message: 'a quote is opened and never closed' });
      return;
    }
    if (!headerSeen) {
      headerSeen = true;
      const header = cells.findIndex((cell) => HEADER.test(cell.trim()));
      if (header !== -1) {
        column = header;
        return;
      }
    }
    const cell = cells[column]?.trim() ?? '';
    const parsed = CouponCode.safeParse(cell);
    if (!parsed.success) {
      issues.push({ line, message: cell === '' ? `no code in column ${column + 1}` : `${JSON.stringify(cell.slice(0, 80))}: ${parsed.error.issues[0]?.message ?? 'not a code'}` });
      return;
    }
    if (firstLineOf.has(parsed.data)) {
      repeated += 1;
      return;
    }
    firstLineOf.set(parsed.data, line);
    codes.push(parsed.data);
  });
  return { codes, repeated, issues };
}
