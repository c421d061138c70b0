import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/connection.js';
import { eraseContact } from '../../db/erasure.repository.js';
import { handoffWorkflowId } from '../../workflows/ids.js';
import { stopJourneySignal } from '../../workflows/journey.contract.js';
import type { ApiInstance } from '../app.js';
import { requirePrincipal, type Authenticator } from '../auth.js';
import { ErrorResponse, HttpError } from '../errors.js';

const ContactParams = z.object({ id: z.uuid() });

const ErasureResponse = z.object({
  contactId: z.string(),
  profiles: z.number().describe('the contact and every profile merged into it'),
  erased: z.record(z.string(), z.number()).describe('rows deleted per table'),
  workflowsStopped: z.number().describe('journey runs told to stop and hand-offs terminated'),
});

/** A workflow that has already finished (or never ran) has nothing left to stop. */
async function unlessGone(action: Promise<unknown>): Promise<boolean> {
  try {
    await action;
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

export function registerErasureRoutes(app: ApiInstance, deps: { db: Db; auth: Authenticator; temporal: Client }): void {
  app.delete(
    '/v1/contacts/:id',
    {
      onRequest: deps.auth.requireRole('admin'),
      schema: {
        summary: 'Erase a person on request: the contact, its merged profiles and every row about them (the suppression list stays)',
        tags: ['contacts'],
        params: ContactParams,
        response: { 200: ErasureResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const erasure = await eraseContact(deps.db, request.params.id, principal.name);
      if (erasure === undefined) throw new HttpError(404, 'not_found', `no contact ${request.params.id}`);
      // After the commit, so a failed erasure stops nothing. Activities that still run for the
      // contact find it gone: sending and reading facts fail as ContactNotFound, visits record nothing.
      const reason = 'contact erased on request';
      const stops = await Promise.allSettled([
        ...erasure.journeyWorkflowIds.map((workflowId) => unlessGone(deps.temporal.workflow.getHandle(workflowId).signal(stopJourneySignal, { reason }))),
        ...erasure.profileIds.map((id) => unlessGone(deps.temporal.workflow.getHandle(handoffWorkflowId(id)).terminate(reason))),
      ]);
      for (const failed of stops.filter((stop) => stop.status === 'rejected')) {
        request.log.warn({ err: failed.reason, contactId: erasure.contactId }, 'erased contact: a workflow could not be stopped; its activities fail on the missing contact');
      }
      return {
        contactId: erasure.contactId,
        profiles: erasure.profileIds.length,
        erased: erasure.counts,
        workflowsStopped: stops.filter((stop) => stop.status === 'fulfilled' && stop.value).length,
      };
    },
  );
}
