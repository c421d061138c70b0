import { sql } from 'kysely';
import { compileScoringModel, defaultScoringModel, ScoringModel, type CompiledScoringModel } from '../domain/scoring/index.js';
import type { Db } from './connection.js';

/**
 * The active scoring model. The first read of a new database activates the built-in default.
 * Compiled once per version and cached briefly, so ingestion pays no query per batch while a newly
 * activated model is picked up within seconds.
 */
export class ScoringModelStore {
  private cached: { model: CompiledScoringModel; until: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2_000,
  ) {}

  async active(now = Date.now()): Promise<CompiledScoringModel> {
    if (this.cached !== undefined && this.cached.until > now) return this.cached.model;
    let row = await this.db.selectFrom('scoring_models').select(['document']).where('active', '=', true).executeTakeFirst();
    if (row === undefined) {
      await this.db
        .insertInto('scoring_models')
        .values({ id: defaultScoringModel.id, version: defaultScoringModel.version, document: JSON.stringify(defaultScoringModel), active: true, activated_at: new Date() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await this.db.selectFrom('scoring_models').select(['document']).where('active', '=', true).executeTakeFirstOrThrow();
    }
    const current = this.cached?.model;
    const document = ScoringModel.parse(row.document);
    const model =
      current !== undefined && current.id === document.id && current.version === document.version
        ? current
        : compileScoringModel(document);
    this.cached = { model, until: now + this.ttlMs };
    return model;
  }

  forget(): void {
    this.cached = undefined;
  }
}

/** Stores a new version of a model and makes it the active one, in one transaction. */
export async function activateScoringModel(db: Db, model: ScoringModel): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('scoring_models').set({ active: false }).where('active', '=', true).execute();
    await trx
      .insertInto('scoring_models')
      .values({ id: model.id, version: model.version, document: JSON.stringify(model), active: true, activated_at: new Date() })
      .execute();
  });
}

export async function latestModelVersion(db: Db, id: string): Promise<number> {
  const row = await db
    .selectFrom('scoring_models')
    .select(sql<number>`coalesce(max(version), 0)`.as('version'))
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
