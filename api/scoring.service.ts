import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import { countLiveContacts } from '../db/contact.queries.js';
import { activateScoringModel, latestModelVersion, type ScoringModelStore } from '../db/scoring.repository.js';
import { validateScoringModel, type ModelIssue, type ScoringModel } from '../domain/scoring/index.js';
import { rescoreWorkflowId } from '../workflows/ids.js';
import type { rescoreWorkflow } from '../workflows/rescore.workflow.js';

/** `failed` also covers a re-score superseded by a newer version. */
export type RescoreStatus = 'running' | 'completed' | 'failed';

export interface RescoreProgress {
  modelId: string;
  version: number;
  rescoreWorkflowId: string;
  status: RescoreStatus;
  /** Contacts re-scored, once completed. */
  rescored: number | null;
  /** Contacts there are to re-score. */
  contacts: number;
}

export type Publication = { ok: true; id: string; version: number; rescoreWorkflowId: string } | { ok: false; issues: ModelIssue[] };

/**
 * The scoring model and its re-scores: publishing stores a new version and hands the re-score of
 * every contact to a Temporal workflow, whose progress is read back from that workflow.
 */
export function createScoringService(deps: { db: Db; models: ScoringModelStore; temporal: Client; taskQueue: string }) {
  async function activeModel(): Promise<ScoringModel> {
    return (await deps.models.active()).model;
  }

  /** The re-score after publishing this version of the active model; `progress` undefined when there was none. */
  async function rescoreOf(version: number): Promise<{ modelId: string; progress: RescoreProgress | undefined }> {
    const { id } = await deps.models.active();
    const workflowId = rescoreWorkflowId(id, version);
    const handle = deps.temporal.workflow.getHandle<typeof rescoreWorkflow>(workflowId);
    let described;
    try {
      described = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { modelId: id, progress: undefined };
      throw error;
    }
    const name = described.status.name;
    const status: RescoreStatus = name === 'RUNNING' || name === 'CONTINUED_AS_NEW' ? 'running' : name === 'COMPLETED' ? 'completed' : 'failed';
    const rescored = status === 'completed' ? (await handle.result()).rescored : null;
    return { modelId: id, progress: { modelId: id, version, rescoreWorkflowId: workflowId, status, rescored, contacts: await countLiveContacts(deps.db) } };
  }

  /** Publishes a model document as the next version of its id (the active model's when it names none) and starts its re-score. */
  async function publish(document: Record<string, unknown>): Promise<Publication> {
    const id = typeof document['id'] === 'string' ? document['id'] : (await deps.models.active()).id;
    // Versions are assigned here, so two publications never claim the same one.
    const version = (await latestModelVersion(deps.db, id)) + 1;
    const validation = validateScoringModel({ ...document, id, version });
    if (!validation.ok) return { ok: false, issues: validation.issues };
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
    return { ok: true, id, version, rescoreWorkflowId: workflowId };
  }

  return { activeModel, rescoreOf, publish };
}

export type ScoringService = ReturnType<typeof createScoringService>;
