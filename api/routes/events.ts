import { z } from 'zod';
import { IdentifyEvent, PageEvent, TrackEvent, type InboundEvent } from '../../domain/events.js';
import type { ApiInstance } from '../app.js';
import { ErrorResponse, HttpError } from '../errors.js';
import type { IngestService } from '../ingest.service.js';

export const IngestResponse = z.object({
  messageId: z.string(),
  contactId: z.string(),
  stored: z.boolean().describe('false when this messageId had been stored before: the retry is acknowledged once'),
});

// Segment sends the identity check as part of the payload; the route schemas carry the same rule.
const withIdentity = <T extends z.ZodObject>(schema: T) =>
  schema.refine(
    (event: { userId?: string; anonymousId?: string }) => event.userId !== undefined || event.anonymousId !== undefined,
    { message: 'userId or anonymousId is required', path: ['userId'] },
  );

export function registerEventRoutes(app: ApiInstance, deps: { ingest: IngestService }): void {
  const routes = [
    ['/v1/track', TrackEvent, 'Record an action a contact took'],
    ['/v1/identify', IdentifyEvent, 'Tie a visitor to who they are, with their traits'],
    ['/v1/page', PageEvent, 'Record a page view'],
  ] as const;
  for (const [url, schema, summary] of routes) {
    app.post(
      url,
      {
        schema: {
          summary,
          tags: ['ingestion'],
          body: withIdentity(schema),
          response: { 200: IngestResponse, 400: ErrorResponse, 503: ErrorResponse },
        },
      },
      async (request, reply) => {
        try {
          const result = await deps.ingest.ingest(request.body as InboundEvent, new Date());
          return await reply.status(200).send(result);
        } catch (error) {
          request.log.error({ err: error }, 'ingestion failed');
          // Nothing was acknowledged: the client keeps the event and retries with the same messageId.
          throw new HttpError(503, 'unavailable', 'The event could not be stored right now; retry with the same messageId');
        }
      },
    );
  }
}
