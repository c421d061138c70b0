import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { TemplateKind } from './template.types.js';

export interface TemplateRecord {
  name: string;
  kind: TemplateKind;
  builtIn: boolean;
  draft: string;
  publishedVersion: number | null;
  /** The draft differs from the published version (or nothing is published yet). */
  draftChanged: boolean;
  archivedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateVersionRecord {
  version: number;
  source: string;
  publishedAt: Date;
  publishedBy: string;
}

function templateQuery(db: Db) {
  return db
    .selectFrom('templates as t')
    .leftJoin('template_versions as v', (join) => join.onRef('v.template', '=', 't.name').onRef('v.version', '=', 't.published_version'))
    .select(['t.name', 't.kind', 't.built_in', 't.draft', 't.published_version', 't.archived_at', 't.created_by', 't.created_at', 't.updated_at'])
    .select(sql<boolean>`v.source is distinct from t.draft`.as('draft_changed'));
}

type TemplateRow = Awaited<ReturnType<ReturnType<typeof templateQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: TemplateRow): TemplateRecord {
  return {
    name: row.name,
    kind: row.kind,
    builtIn: row.built_in,
    draft: row.draft,
    publishedVersion: row.published_version,
    draftChanged: row.draft_changed,
    archivedAt: row.archived_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the send path asks before each e-mail (TemplateRenderer's TemplateStore): one indexed read. */
export function createTemplateStore(db: Db) {
  return {
    async lookup(name: string) {
      const rows = await db
        .selectFrom('templates')
        .select(['name', 'kind', 'built_in', 'published_version'])
        .where((eb) => eb.or([eb('name', '=', name), eb.and([eb('kind', '=', 'partial'), eb('built_in', '=', false), eb('published_version', 'is not', null)])]))
        .execute();
      const own = rows.find((row) => row.name === name);
      const partials = new Map<string, number>();
      for (const row of rows) if (row.kind === 'partial' && !row.built_in && row.published_version !== null) partials.set(row.name, row.published_version);
      return { ...(own === undefined ? {} : { template: { kind: own.kind, builtIn: own.built_in, publishedVersion: own.published_version } }), partials };
    },
    async versionSource(name: string, version: number) {
      const row = await db.selectFrom('template_versions').select('source').where('template', '=', name).where('version', '=', version).executeTakeFirst();
      return row?.source;
    },
  };
}

/**
 * Mirrors the files of templates/ as read-only built-ins, version 1 being the file as deployed. A
 * stored template that took a built-in's name first keeps it: it is never overwritten.
 */
export async function upsertBuiltInTemplates(db: Db, files: readonly { name: string; kind: TemplateKind; source: string }[]): Promise<void> {
  if (files.length === 0) return;
  await db.transaction().execute(async (trx) => {
    const mirrored = await trx
      .insertInto('templates')
      .values(files.map((file) => ({ name: file.name, kind: file.kind, built_in: true, draft: file.source, published_version: 1, created_by: 'built-in', updated_at: sql<Date>`now()` })))
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ draft: eb.ref('excluded.draft'), kind: eb.ref('excluded.kind'), updated_at: sql<Date>`now()` }))
          .where('templates.built_in', '=', true)
          .where('templates.draft', '<>', (eb) => eb.ref('excluded.draft')),
      )
      .returning('name')
      .execute();
    const changed = new Set(mirrored.map((row) => row.name));
    const versions = files.filter((file) => changed.has(file.name)).map((file) => ({ template: file.name, version: 1, source: file.source, published_by: 'built-in' }));
    if (versions.length === 0) return;
    await trx
      .insertInto('template_versions')
      .values(versions)
      .onConflict((oc) => oc.columns(['template', 'version']).doUpdateSet((eb) => ({ source: eb.ref('excluded.source') })))
      .execute();
  });
}

export async function listTemplates(db: Db, options: { archived: boolean; kind?: TemplateKind }): Promise<TemplateRecord[]> {
  let query = templateQuery(db).where('t.archived_at', options.archived ? 'is not' : 'is', null);
  if (options.kind !== undefined) query = query.where('t.kind', '=', options.kind);
  return (await query.orderBy('t.built_in').orderBy('t.name').execute()).map(toRecord);
}

export async function findTemplate(db: Db, name: string): Promise<TemplateRecord | undefined> {
  const row = await templateQuery(db).where('t.name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** False when the name is taken (nothing changed). */
export async function createTemplate(db: Db, template: { name: string; kind: TemplateKind; draft: string; createdBy: string }): Promise<boolean> {
  const rows = await db
    .insertInto('templates')
    .values({ name: template.name, kind: template.kind, draft: template.draft, published_version: null, created_by: template.createdBy, updated_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .execute();
  return rows.length > 0;
}

/** Saves the draft of an editable template (not built-in, not archived); false when there is none. */
export async function updateTemplateDraft(db: Db, name: string, draft: string): Promise<boolean> {
  const rows = await db
    .updateTable('templates')
    .set({ draft, updated_at: sql<Date>`now()` })
    .where('name', '=', name)
    .where('built_in', '=', false)
    .where('archived_at', 'is', null)
    .returning('name')
    .execute();
  return rows.length > 0;
}

/**
 * Freezes `source` (the draft the caller validated) as the next version and makes it the one sent.
 * The row lock orders two publications of one template: each gets its own number.
 */
export async function publishTemplateVersion(db: Db, name: string, source: string, publishedBy: string): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('templates').select('name').where('name', '=', name).where('built_in', '=', false).where('archived_at', 'is', null).forUpdate().executeTakeFirst();
    if (row === undefined) return undefined;
    const latest = await trx.selectFrom('template_versions').select((eb) => eb.fn.max('version').as('version')).where('template', '=', name).executeTakeFirst();
    const version = (latest?.version ?? 0) + 1;
    await trx.insertInto('template_versions').values({ template: name, version, source, published_by: publishedBy }).execute();
    await trx.updateTable('templates').set({ published_version: version, draft: source, updated_at: sql<Date>`now()` }).where('name', '=', name).execute();
    return version;
  });
}

export async function listTemplateVersions(db: Db, name: string): Promise<TemplateVersionRecord[]> {
  const rows = await db.selectFrom('template_versions').select(['version', 'source', 'published_at', 'published_by']).where('template', '=', name).orderBy('version', 'desc').execute();
  return rows.map((row) => ({ version: row.version, source: row.source, publishedAt: row.published_at, publishedBy: row.published_by }));
}

export async function findTemplateVersion(db: Db, name: string, version: number): Promise<TemplateVersionRecord | undefined> {
  return (await listTemplateVersions(db, name)).find((candidate) => candidate.version === version);
}

export async function archiveTemplate(db: Db, name: string): Promise<boolean> {
  const rows = await db.updateTable('templates').set({ archived_at: sql<Date>`now()`, updated_at: sql<Date>`now()` }).where('name', '=', name).where('built_in', '=', false).where('archived_at', 'is', null).returning('name').execute();
  return rows.length > 0;
}

export async function deleteTemplate(db: Db, name: string): Promise<boolean> {
  const rows = await db.deleteFrom('templates').where('name', '=', name).where('built_in', '=', false).returning('name').execute();
  return rows.length > 0;
}

export interface TemplateUsage {
  /** Journeys (not archived) whose draft or a version has a node sending it. */
  journeys: string[];
  newsletters: string[];
  /** Templates whose draft or published version includes it (a partial). */
  templates: string[];
  /** E-mails were written from it: their rows name its versions. */
  emails: boolean;
}

/** Who names a template: while anything does, it cannot be deleted. */
export async function templateUsage(db: Db, name: string): Promise<TemplateUsage> {
  const include = `partials/${name}.mjml`;
  const [journeys, newsletters, templates, emails] = await Promise.all([
    sql<{ id: string }>`
      select j.id from journeys j
      where j.status <> 'archived' and (
        exists (select 1 from jsonb_each(case when jsonb_typeof(j.draft -> 'nodes') = 'object' then j.draft -> 'nodes' else '{}'::jsonb end) n where n.value ->> 'template' = ${name})
        or exists (select 1 from journey_versions v, jsonb_each(v.definition -> 'nodes') n where v.journey_id = j.id and n.value ->> 'template' = ${name}))
      order by j.id`.execute(db),
    db.selectFrom('newsletters').select('id').where('template', '=', name).orderBy('created_at').execute(),
    sql<{ name: string }>`
      select t.name from templates t
      left join template_versions v on v.template = t.name and v.version = t.published_version
      where t.name <> ${name} and (strpos(t.draft, ${include}) > 0 or strpos(coalesce(v.source, ''), ${include}) > 0)
      order by t.name`.execute(db),
    db.selectFrom('email_messages').select('id').where('template', '=', name).limit(1).execute(),
  ]);
  return { journeys: journeys.rows.map((row) => row.id), newsletters: newsletters.map((row) => row.id), templates: templates.rows.map((row) => row.name), emails: emails.length > 0 };
}

/** The named templates that exist, with what the send path needs to know of them. */
export async function templatesNamed(db: Db, names: readonly string[]): Promise<Map<string, { kind: TemplateKind; publishedVersion: number | null; archived: boolean }>> {
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('templates').select(['name', 'kind', 'published_version', 'archived_at']).where('name', 'in', [...new Set(names)]).execute();
  return new Map(rows.map((row) => [row.name, { kind: row.kind, publishedVersion: row.published_version, archived: row.archived_at !== null }]));
}
