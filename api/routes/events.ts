import { z } from 'zod';
import { AliasEvent, GroupEvent, InboundEvent, IdentifyEvent, PageEvent, TrackEvent } from '../../domain/events.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { SEGMENT_SHORT_PATHS, type BrowserSources } from '../browser-sources.js';
import { ErrorResponse, issuePath } from '../errors.js';
import type { IngestService } from '../ingest.service.js';

export const IngestResponse = z.object({
  messageId: z.string(),
  contactId: z.string(),
  stored: z.boolean().describe('false when this messageId had been stored before: the retry is acknowledged once'),
});

export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 500 * 1024;

const BatchRequest = z.object({
  batch: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
  sentAt: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

const Issue = z.object({ path: z.string(), message: z.string() });
export const BatchResponse = z.object({
  stored: z.number().int().describe('events stored by this call'),
  duplicates: z.number().int().describe('events whose messageId was already stored: acknowledged, not stored again'),
  rejected: z.array(z.object({ index: z.number().int(), messageId: z.string().optional(), issues: z.array(Issue) })),
  results: z.array(IngestResponse),
});

// Segment sends the identity rule as part of its spec; the route schemas carry the same rule.
const withIdentity = <T extends z.ZodObject>(schema: T) =>
  schema.refine(
    (event: { userId?: string; anonymousId?: string }) => event.userId !== undefined || event.anonymousId !== undefined,
    { message: 'userId or anonymousId is required', path: ['userId'] },
  );

export function registerEventRoutes(app: ApiInstance, deps: { ingest: IngestService; auth: Authenticator; browser: BrowserSources }): void {
  // Write keys send events; admin keys may too (imports, back-fills). Browsers too: api/browser-sources.ts.
  const { browser } = deps;
  const writer = browser.ingestionHooks(deps.auth.requireRole('write', 'admin'));
  // Each route also answers at the short path analytics.js posts to (/v1/t…), left out of /openapi.json.
  const paths = (url: string) => [url, SEGMENT_SHORT_PATHS[url]].filter((path) => path !== undefined);
  const routes = [
    ['/v1/track', TrackEvent, 'Record an action a contact took'],
    ['/v1/identify', IdentifyEvent, 'Tie a visitor to who they are, with their traits'],
    ['/v1/page', PageEvent, 'Record a page view'],
    ['/v1/group', GroupEvent, "Put a contact in an account (B2B company) with the account's traits: members carry them as account.<trait>"],
    ['/v1/alias', AliasEvent, 'Merge the profile known by previousId into the user'],
  ] as const;
  browser.registerRoutes(app, [...routes.map(([url]) => url), '/v1/batch'].flatMap(paths));
  for (const [url, schema, summary] of routes) {
    for (const path of paths(url)) app.post(
      path,
      {
        ...writer,
        schema: {
          hide: path !== url,
          summary,
          tags: ['ingestion'],
          body: withIdentity(schema),
          response: { 200: IngestResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse },
        },
      },
      async (request) => {
        // A database failure answers 503 + Retry-After (api/errors.ts): nothing was acknowledged.
        return deps.ingest.ingestOne(request.body as InboundEvent, new Date());
      },
    );
  }

  for (const path of paths('/v1/batch')) app.post(
    path,
    {
      bodyLimit: MAX_BATCH_BYTES,
      ...writer,
      schema: {
        hide: path !== '/v1/batch',
        summary: `Up to ${MAX_BATCH_EVENTS} events (${MAX_BATCH_BYTES / 1024} KB): valid ones are stored, each invalid one is reported by index`,
        tags: ['ingestion'],
        body: BatchRequest,
        response: { 200: BatchResponse, 400: BatchResponse.or(ErrorResponse), 401: ErrorResponse, 403: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { batch, sentAt, context } = request.body;
      const valid: InboundEvent[] = [];
      const rejected: z.infer<typeof BatchResponse>['rejected'] = [];
      batch.forEach((item, index) => {
        // The batch's own sentAt and context apply to events that carry none (Segment's batch format).
        const withDefaults =
          item !== null && typeof item === 'object' && !Array.isArray(item)
            ? { ...(sentAt === undefined ? {} : { sentAt }), ...(context === undefined ? {} : { context }), ...item }
            : item;
        const parsed = InboundEvent.safeParse(withDefaults);
        if (parsed.success) {
          valid.push(parsed.data);
        } else {
          const messageId = (item as { messageId?: unknown } | null)?.messageId;
          rejected.push({
            index,
            ...(typeof messageId === 'string' ? { messageId } : {}),
            issues: parsed.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })),
          });
        }
      });
      const results = await deps.ingest.ingest(valid, new Date());
      const stored = results.filter((result) => result.stored).length;
      return reply
        .status(valid.length === 0 ? 400 : 200)
        .send({ stored, duplicates: results.length - stored, rejected, results });
    },
  );
}
