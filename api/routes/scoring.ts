import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { activateScoringModel, latestModelVersion, type ScoringModelStore } from '../../db/scoring.repository.js';
import { validateScoringModel } from '../../domain/scoring/index.js';
import { rescoreWorkflowId } from '../../workflows/ids.js';
import type { rescoreWorkflow } from '../../workflows/rescore.workflow.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse } from '../errors.js';

const ModelDocument = z.record(z.string(), z.unknown());

export function registerScoringRoutes(
  app: ApiInstance,
  deps: { db: Db; models: ScoringModelStore; auth: Authenticator; temporal: Client; taskQueue: string },
): void {
  const admin = deps.auth.requireRole('admin');

  app.get(
    '/v1/scoring-model',
    { onRequest: admin, schema: { summary: 'The active scoring model', tags: ['scoring'], response: { 200: ModelDocument, 401: ErrorResponse, 403: ErrorResponse } } },
    async () => (await deps.models.active()).model,
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
      const id = typeof request.body['id'] === 'string' ? request.body['id'] : (await deps.models.active()).id;
      // Versions are assigned here, so two publications never claim the same one.
      const version = (await latestModelVersion(deps.db, id)) + 1;
      const validation = validateScoringModel({ ...request.body, id, version });
      if (!validation.ok) {
        return reply.status(400).send({
          error: 'invalid_model',
          message: validation.issues.map((issue) => `${issue.at}: ${issue.message}`).join('; '),
          issues: validation.issues.map((issue) => ({ path: issue.at, message: issue.message })),
        });
      }
      await activateScoringModel(deps.db, validation.model);
      deps.models.forget();
      const workflowId = rescoreWorkflowId(id, version);
      try {
        await deps.temporal.workflow.start<typeof rescoreWorkflow>('rescoreWorkflow', {
          taskQueue: deps.taskQueue,
          workflowId,
          args: [{ modelId: id, version, afterContactId: null, rescored: 0 }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      return reply.status(202).send({ id, version, rescoreWorkflowId: workflowId });
    },
  );
}
