import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/connection.js';
import { lockMqlsDecayedBelow, recordStageChanges, refreshContacts, rescoreContacts } from '../db/contact-scoring.js';
import { enqueueIntents } from '../db/outbox.repository.js';
import type { ScoringModelStore } from '../db/scoring.repository.js';

export interface ScoringDependencies {
  db: Db;
  models: ScoringModelStore;
}

export interface RescorePageInput {
  modelId: string;
  version: number;
  /** Contacts are visited in id order; the page starts after this id. */
  afterContactId: string | null;
  limit: number;
}

export function createScoringActivities(deps: ScoringDependencies) {
  /**
   * Re-scores one page of contacts from their stored events with the active model, one transaction
   * per page: each contact switches from its old ledger to its new one at once, while ingestion goes on.
   */
  async function rescorePage(input: RescorePageInput): Promise<{ lastContactId: string | null; rescored: number }> {
    deps.models.forget();
    const model = await deps.models.active();
    if (model.id !== input.modelId || model.version !== input.version) {
      throw ApplicationFailure.nonRetryable(
        `model ${input.modelId} v${input.version} is no longer active (active: ${model.id} v${model.version})`,
        'ModelSuperseded',
      );
    }
    return deps.db.transaction().execute(async (trx) => {
      let query = trx.selectFrom('contacts').select('id').where('merged_into', 'is', null).orderBy('id').limit(input.limit).forUpdate();
      if (input.afterContactId !== null) query = query.where('id', '>', input.afterContactId);
      const ids = (await query.execute()).map((row) => row.id);
      const now = new Date();
      await rescoreContacts(trx, ids, model);
      const changes = await refreshContacts(trx, ids, model, now);
      // The API's outbox sweeper hands these to Temporal within a second.
      await enqueueIntents(trx, await recordStageChanges(trx, changes, now));
      return { lastContactId: ids.at(-1) ?? null, rescored: ids.length };
    });
  }

  /**
   * Engagement fades without any new event, so an MQL can fall under the threshold on a quiet day.
   * Reviews MQLs whose stored engagement, decayed to `at`, is under the threshold, and applies the
   * demotion each one's exact score calls for. `at` comes from the workflow's clock.
   */
  async function reviewStages(input: { at: string; limit: number }): Promise<{ reviewed: number; demoted: number }> {
    const model = await deps.models.active();
    const at = new Date(input.at);
    const { mql } = model.model.lifecycle;
    const floor = mql.demoteBelow ?? mql.engagementAtLeast;
    return deps.db.transaction().execute(async (trx) => {
      const candidates = await lockMqlsDecayedBelow(trx, floor, at, model, input.limit);
      const changes = await refreshContacts(trx, candidates, model, at);
      await enqueueIntents(trx, await recordStageChanges(trx, changes, at));
      return { reviewed: candidates.length, demoted: changes.length };
    });
  }

  return { rescorePage, reviewStages };
}
