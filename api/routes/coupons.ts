import bwipjs from 'bwip-js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { barcodeToken, readBarcodeToken, type BarcodeKind } from '../../domain/barcodes.js';
import {
  acceptedMessage,
  amountOff,
  CampaignId,
  CouponCode,
  CouponDiscount,
  CouponScope,
  Currency,
  describeDiscount,
  formatWhen,
  NewCampaign,
  RedeemOrder,
  type Refusal,
} from '../../domain/coupons.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import type { CouponCampaign, CouponRedemption, CouponService, FoundCoupon } from '../coupons.service.js';
import { ErrorResponse, HttpError } from '../errors.js';

// Coupon campaigns (admin), the check and redemption API of checkouts and tills (shop key), and the
// barcode images coupon e-mails show (no key: the signed token is the authorisation).

const CampaignParams = z.object({ id: CampaignId });
const CodeParams = z.object({ code: CouponCode });
const BarcodeParams = z.object({ file: z.string().min(1).max(1000) });

const Campaign = z.object({ id: z.string(), name: z.string(), terms: z.record(z.string(), z.unknown()), createdAt: z.string() });
const view = (campaign: CouponCampaign) => ({ id: campaign.id, name: campaign.name, terms: campaign.terms, createdAt: campaign.created_at.toISOString() });

const Report = z.object({
  campaignId: z.string(),
  issued: z.number().describe('codes handed out'),
  redeemed: z.number().describe('codes redeemed at least once'),
  redemptions: z.number().describe('redemptions, counting every use of a multi-use code'),
  redemptionRate: z.number().describe('redeemed over issued, 0 to 1'),
  revenue: z.array(z.object({ currency: z.string().nullable(), total: z.number(), orders: z.number() })).describe('totals of the orders that redeemed a code, per currency'),
  pool: z.object({ imported: z.number(), available: z.number() }).nullable(),
});

const IssueBody = z.object({
  contactId: z.uuid(),
  /** Same contact, campaign and cause: same code. */
  cause: z.string().trim().min(1).max(200).describe('why this contact gets a code (an order id, a CRM action): asking again with the same cause gives the same code'),
});

const Issued = z.object({
  code: z.string(),
  campaignId: z.string(),
  validFrom: z.string().nullable(),
  expiresAt: z.string(),
  barcodePath: z.string().describe('Code 128 image of the code (PNG), under the public URL'),
  qrPath: z.string().describe('QR code image of the code (PNG), under the public URL'),
});

const PoolImported = z.object({
  imported: z.number(),
  alreadyInPool: z.number().describe('codes this campaign had already: uploading a file twice imports nothing twice'),
  repeatedInFile: z.number(),
  taken: z.array(z.string()).describe('codes of another campaign or already a coupon: not imported (the first 100)'),
  available: z.number().describe('codes left to hand out'),
});

/** `?categories=shoes,bags` as a list. */
const CheckQuery = z.object({
  total: z.coerce.number().nonnegative().finite().optional().describe('the order total, to check a minimum'),
  currency: Currency.optional(),
  categories: z
    .string()
    .max(5000)
    .transform((list) => list.split(',').map((c) => c.trim()).filter((c) => c !== ''))
    .optional()
    .describe('comma-separated product categories of the order'),
});

const Terms = { discount: CouponDiscount, scope: CouponScope, validFrom: z.string().nullable(), expiresAt: z.string() };

const Check = z.object({
  code: z.string(),
  valid: z.boolean(),
  status: z.enum(['valid', 'already_used', 'expired', 'offer_ended', 'not_yet_valid', 'currency_mismatch', 'below_minimum', 'out_of_scope']),
  message: z.string().describe('for the cashier'),
  ...Terms,
  usesAllowed: z.number(),
  usesLeft: z.number(),
  campaign: z.object({ id: z.string(), name: z.string() }).nullable(),
  redemptions: z.array(z.object({ orderId: z.string(), redeemedAt: z.string() })),
});

const Redeemed = z.object({
  status: z.literal('redeemed'),
  code: z.string(),
  orderId: z.string(),
  redeemedAt: z.string(),
  message: z.string().describe('for the cashier'),
  discount: CouponDiscount,
  amountOff: z.number().nullable().describe('what to take off this order; null for a coupon limited to some categories'),
  currency: z.string().nullable(),
});

const Unknown = ErrorResponse.describe('no coupon has this code');
const AlreadyUsed = ErrorResponse.extend({ redeemedAt: z.string() });
const Gone = ErrorResponse.extend({ expiresAt: z.string().optional() });

const UNKNOWN_MESSAGE = 'Unknown coupon code: check that it was typed as printed.';

const POOL_BODY_LIMIT = 8 * 1024 * 1024;

async function renderBarcode(kind: BarcodeKind, code: string): Promise<Buffer> {
  // Quiet zones and a white background: a till's scanner reads it off a phone screen in dark mode too.
  return kind === 'code128'
    ? bwipjs.toBuffer({ bcid: 'code128', text: code, scale: 3, height: 14, includetext: true, textxalign: 'center', paddingwidth: 12, paddingheight: 8, backgroundcolor: 'FFFFFF' })
    : bwipjs.toBuffer({ bcid: 'qrcode', text: code, scale: 6, paddingwidth: 16, paddingheight: 16, backgroundcolor: 'FFFFFF' });
}

function refusalBody(refusal: Refusal) {
  const body = { error: refusal.reason, message: refusal.message };
  if (refusal.status === 409) return { ...body, redeemedAt: refusal.redeemedAt };
  if (refusal.status === 410 && refusal.reason === 'expired') return { ...body, expiresAt: refusal.expiresAt };
  return body;
}

function redeemedBody(coupon: FoundCoupon, redemption: CouponRedemption) {
  const total = redemption.total === null ? null : Number(redemption.total);
  const order = { total: total ?? 0, ...(redemption.currency === null ? {} : { currency: redemption.currency }) };
  return {
    status: 'redeemed' as const,
    code: redemption.code,
    orderId: redemption.order_id,
    redeemedAt: redemption.redeemed_at.toISOString(),
    message: acceptedMessage(coupon.facts, order),
    discount: coupon.facts.discount,
    amountOff: total === null ? null : amountOff(coupon.facts, total),
    currency: redemption.currency,
  };
}

export function registerCouponRoutes(app: ApiInstance, deps: { auth: Authenticator; coupons: CouponService; linkSecret: string | undefined }): void {
  const admin = deps.auth.requireRole('admin');
  const shop = deps.auth.requireRole('shop', 'admin');
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

  const paths = (code: string) => {
    // Without the link secret (a test API) there are no images to point at.
    if (deps.linkSecret === undefined) return { barcodePath: '', qrPath: '' };
    return { barcodePath: `/b/${barcodeToken(deps.linkSecret, 'code128', code)}.png`, qrPath: `/b/${barcodeToken(deps.linkSecret, 'qr', code)}.png` };
  };

  app.post(
    '/v1/coupon-campaigns',
    {
      onRequest: admin,
      schema: { summary: 'Create a coupon campaign: discount, scope, validity, uses per code, total cap, generated codes or a pool', tags: ['coupons'], body: NewCampaign, response: { 201: Campaign, ...errors } },
    },
    async (request, reply) => reply.status(201).send(view(await deps.coupons.create(request.body))),
  );

  app.get(
    '/v1/coupon-campaigns',
    { onRequest: admin, schema: { summary: 'Coupon campaigns, oldest first', tags: ['coupons'], response: { 200: z.object({ campaigns: z.array(Campaign) }), ...errors } } },
    async () => ({ campaigns: (await deps.coupons.list()).map(view) }),
  );

  app.get(
    '/v1/coupon-campaigns/:id',
    { onRequest: admin, schema: { summary: 'A coupon campaign and its terms', tags: ['coupons'], params: CampaignParams, response: { 200: Campaign, ...errors } } },
    async (request) => view(await deps.coupons.campaign(request.params.id)),
  );

  app.get(
    '/v1/coupon-campaigns/:id/report',
    { onRequest: admin, schema: { summary: 'Issued, redeemed, redemption rate and revenue of the redeeming orders', tags: ['coupons'], params: CampaignParams, response: { 200: Report, ...errors } } },
    async (request) => ({ campaignId: request.params.id, ...(await deps.coupons.report(request.params.id)) }),
  );

  app.post(
    '/v1/coupon-campaigns/:id/coupons',
    {
      onRequest: admin,
      schema: { summary: "A contact's code of this campaign for a cause: the same contact and cause always get the same code", tags: ['coupons'], params: CampaignParams, body: IssueBody, response: { 200: Issued, 201: Issued, ...errors } },
    },
    async (request, reply) => {
      const { campaign, coupon } = await deps.coupons.issue(request.params.id, request.body, new Date());
      return reply.status(coupon.created ? 201 : 200).send({
        code: coupon.code,
        campaignId: campaign.id,
        validFrom: coupon.validFrom?.toISOString() ?? null,
        expiresAt: coupon.expiresAt.toISOString(),
        ...paths(coupon.code),
      });
    },
  );

  void app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    // A shop's export of codes, as its spreadsheet or back office saves it.
    scope.addContentTypeParser(['text/csv', 'text/plain', 'application/csv'], { parseAs: 'string', bodyLimit: POOL_BODY_LIMIT }, (_request, body, done) => done(null, String(body)));
    scope.post(
      '/v1/coupon-campaigns/:id/pool',
      {
        onRequest: admin,
        bodyLimit: POOL_BODY_LIMIT,
        schema: {
          summary: 'Import codes generated by the shop (CSV: a code per line, or a "code" column); each is handed out once',
          tags: ['coupons'],
          params: CampaignParams,
          consumes: ['text/csv', 'text/plain'],
          body: z.string().describe('CSV'),
          response: { 200: PoolImported, ...errors },
        },
      },
      async (request) => deps.coupons.importPool(request.params.id, request.body),
    );
  });

  app.get(
    '/v1/coupons/:code',
    {
      onRequest: shop,
      schema: {
        summary: 'Check a code without redeeming it: valid or why not, discount, scope, validity; with total (and categories), for this order',
        tags: ['coupons'],
        params: CodeParams,
        querystring: CheckQuery,
        response: { 200: Check, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: Unknown },
      },
    },
    async (request, reply) => {
      const { total, currency, categories } = request.query;
      const order = total === undefined ? undefined : { total, ...(currency === undefined ? {} : { currency }), ...(categories === undefined ? {} : { categories }) };
      const now = new Date();
      const checked = await deps.coupons.check(request.params.code, order, now);
      if (checked === undefined) return reply.status(404).send({ error: 'unknown_coupon', message: UNKNOWN_MESSAGE });
      const { facts } = checked.coupon;
      const until = `valid until ${formatWhen(facts.expiresAt)}`;
      const message = checked.refusal?.message ?? (order === undefined ? `Valid: ${describeDiscount(facts.discount)}, ${until}.` : `Valid for this order. ${acceptedMessage(facts, order)}`);
      return {
        code: facts.code,
        valid: checked.refusal === undefined,
        status: checked.refusal?.reason ?? ('valid' as const),
        message,
        discount: facts.discount,
        scope: facts.scope,
        validFrom: facts.validFrom?.toISOString() ?? null,
        expiresAt: facts.expiresAt.toISOString(),
        usesAllowed: facts.usesAllowed,
        usesLeft: Math.max(0, facts.usesAllowed - facts.redemptions.length),
        campaign: facts.campaign === null ? null : { id: facts.campaign.id, name: facts.campaign.name },
        redemptions: facts.redemptions.map((r) => ({ orderId: r.orderId, redeemedAt: r.at.toISOString() })),
      };
    },
  );

  app.post(
    '/v1/coupons/:code/redeem',
    {
      onRequest: shop,
      schema: {
        summary: 'Redeem a code for an order; the same order again gets the same answer. 409 used, 410 expired, 422 not for this order',
        tags: ['coupons'],
        params: CodeParams,
        body: RedeemOrder,
        response: { 200: Redeemed, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: Unknown, 409: AlreadyUsed, 410: Gone, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const outcome = await deps.coupons.redeem(request.params.code, request.body, principal.name, new Date());
      switch (outcome.outcome) {
        case 'unknown':
          return reply.status(404).send({ error: 'unknown_coupon', message: UNKNOWN_MESSAGE });
        case 'refused':
          return reply.status(outcome.refusal.status).send(refusalBody(outcome.refusal));
        case 'redeemed':
          return reply.status(200).send(redeemedBody(outcome.coupon, outcome.redemption));
      }
    },
  );

  if (deps.linkSecret !== undefined) {
    const secret = deps.linkSecret;
    app.get(
      '/b/:file',
      { schema: { summary: 'A coupon code as a Code 128 barcode or a QR code (PNG); the signed token names the code and nothing else', tags: ['coupons'], params: BarcodeParams } },
      async (request, reply) => {
        const token = request.params.file.endsWith('.png') ? request.params.file.slice(0, -'.png'.length) : undefined;
        const claims = token === undefined ? undefined : readBarcodeToken(secret, token);
        // Forged, damaged or altered: the engine draws only codes it signed.
        if (claims === undefined) throw new HttpError(404, 'not_found', 'this barcode link is not valid');
        const png = await renderBarcode(claims.kind, claims.code);
        // The image of a code never changes: phones and mail proxies may keep it.
        return reply.type('image/png').header('cache-control', 'public, max-age=31536000, immutable').send(png);
      },
    );
  }
}
