import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { activateScoringModel, latestModelVersion, type ScoringModelStore } from '../../db/scoring.repository.js';
import { validateScoringModel } from '../../domain/scoring/index.js';
import { rescoreWorkflowId } from '../../workflows/ids.js';
import type { rescoreWorkflow } from '../../workflows/rescore.workflow.js';
import type { ApiInstance } from '../app.js';
import type { Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';

const ModelDocument = z.record(z.string(), z.unknown());

const Rescore = z.object({
  modelId: z.string(),
  version: z.number(),
  rescoreWorkflowId: z.string(),
  status: z.enum(['running', 'completed', 'failed']).describe('failed also covers a re-score superseded by a newer version'),
  rescored: z.number().nullable().describe('contacts re-scored, once completed'),
  contacts: z.number().describe('contacts there are to re-score'),
});

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

  app.get(
    '/v1/scoring-model/rescores/:version',
    {
      onRequest: admin,
      schema: { summary: 'Where the re-score after publishing this version of the active model stands', tags: ['scoring'], params: z.object({ version: z.coerce.number().int().positive() }), response: { 200: Rescore, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } },
    },
    async (request) => {
      const { id } = await deps.models.active();
      const workflowId = rescoreWorkflowId(id, request.params.version);
      const handle = deps.temporal.workflow.getHandle<typeof rescoreWorkflow>(workflowId);
      let described;
      try {
        described = await handle.describe();
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new HttpError(404, 'not_found', `no re-score of ${id} v${request.params.version}`);
        throw error;
      }
      const name = described.status.name;
      const status: z.infer<typeof Rescore>['status'] = name === 'RUNNING' || name === 'CONTINUED_AS_NEW' ? 'running' : name === 'COMPLETED' ? 'completed' : 'failed';
      const rescored = status === 'completed' ? (await handle.result()).rescored : null;
      const contacts = await deps.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('count')).where('merged_into', 'is', null).executeTakeFirstOrThrow();
      return { modelId: id, version: request.params.version, rescoreWorkflowId: workflowId, status, rescored, contacts: Number(contacts.count) };
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
