import { z } from 'zod';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';
import type { ScoringService } from '../scoring.service.js';

const ModelDocument = z.record(z.string(), z.unknown());

const Rescore = z.object({
  modelId: z.string(),
  version: z.number(),
  rescoreWorkflowId: z.string(),
  status: z.enum(['running', 'completed', 'failed']).describe('failed also covers a re-score superseded by a newer version'),
  rescored: z.number().nullable().describe('contacts re-scored, once completed'),
  contacts: z.number().describe('contacts there are to re-score'),
});

export function registerScoringRoutes(app: ApiInstance, deps: { auth: Authenticator; scoring: ScoringService }): void {
  const admin = deps.auth.requireRole('admin');

  app.get(
    '/v1/scoring-model',
    { onRequest: admin, schema: { summary: 'The active scoring model', tags: ['scoring'], response: { 200: ModelDocument, 401: ErrorResponse, 403: ErrorResponse } } },
    async () => deps.scoring.activeModel(),
  );

  app.get(
    '/v1/scoring-model/rescores/:version',
    {
      onRequest: admin,
      schema: { summary: 'Where the re-score after publishing this version of the active model stands', tags: ['scoring'], params: z.object({ version: z.coerce.number().int().positive() }), response: { 200: Rescore, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } },
    },
    async (request) => {
      const { modelId, progress } = await deps.scoring.rescoreOf(request.params.version);
      if (progress === undefined) throw new HttpError(404, 'not_found', `no re-score of ${modelId} v${request.params.version}`);
      return progress;
    },
  );

  app.put(
    '/v1/scoring-model',
    {
      onRequest: admin,
      schema: {
        summary: 'Publish a new version of the scoring model; every contact is re-scored from its stored events',
        tags: ['scoring'],
        body: ModelDocument,
        response: {
          202: z.object({ id: z.string(), version: z.number(), rescoreWorkflowId: z.string() }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const publication = await deps.scoring.publish(request.body);
      if (!publication.ok) {
        return reply.status(400).send({
          error: 'invalid_model',
          message: publication.issues.map((issue) => `${issue.at}: ${issue.message}`).join('; '),
          issues: publication.issues.map((issue) => ({ path: issue.at, message: issue.message })),
        });
      }
      return reply.status(202).send({ id: publication.id, version: publication.version, rescoreWorkflowId: publication.rescoreWorkflowId });
    },
  );
}
