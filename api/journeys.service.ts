import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection.js';
import type { InFlightPolicy, JourneyStatus } from '../db/journey-catalog.types.js';
import { existingCampaignIds } from '../db/coupon-campaign.repository.js';
import {
  createJourneyDraft,
  findJourney,
  findJourneyVersion,
  listJourneys,
  listJourneyVersions,
  publishJourneyDraft,
  transitionJourney,
  updateJourneyDraft,
  type JourneyRecord,
  type JourneyStore,
} from '../db/journey.repository.js';
import { contactsAtNode, runCountsByJourney, inFlightCountsByNode, inFlightRunsOfContact, inFlightRunsOfJourney, journeyAnalytics, type InFlightRun, type JourneyAnalytics } from '../db/journey-routing.queries.js';
import type { DefinitionIssue, JourneyDefinition } from '../domain/journeys/definition.js';
import { JOURNEY_LEVEL, validateJourneyDefinition } from '../domain/journeys/graph.js';
import { JOURNEY_TEMPLATES_DIR, listJourneyTemplates, loadJourneyTemplate } from '../templates/journey-templates.js';
import type { JourneyScheduler } from '../orchestration/journey-schedules.js';
import { tellJourneyRun } from '../orchestration/journey-signals.js';
import { HttpError } from './errors.js';

/** A definition the marketer must fix: every problem, each with its node and reason. Nothing was stored. */
export class InvalidJourneyError extends Error {
  constructor(
    readonly issues: DefinitionIssue[],
    /** Where in the request body the problems are: the definition, or the node map of a publication. */
    readonly field: 'definition' | 'nodeMap' = 'definition',
  ) {
    super(issues.map((issue) => `${issue.nodeId}: ${issue.reason}`).join('; '));
    this.name = 'InvalidJourneyError';
  }
}

const notFound = (id: string): never => {
  throw new HttpError(404, 'not_found', `no journey ${id}`);
};

/** Signals many runs without opening thousands of calls at once. */
async function forEachRun(runs: readonly InFlightRun[], act: (run: InFlightRun) => Promise<void>, concurrency = 16): Promise<number> {
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < runs.length) {
      const run = runs[next++] as InFlightRun;
      try {
        await act(run);
        done += 1;
      } catch (error) {
        // A run that ended since the query has nothing left to change.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, lane));
  return done;
}

function validateFor(journeyId: string, input: unknown): JourneyDefinition {
  const validation = validateJourneyDefinition(input);
  if (!validation.ok) throw new InvalidJourneyError(validation.issues);
  if (validation.definition.id !== journeyId) {
    throw new InvalidJourneyError([{ nodeId: JOURNEY_LEVEL, reason: `id: "${validation.definition.id}" does not match the journey "${journeyId}"` }]);
  }
  return validation.definition;
}

/** A draft may name a campaign not created yet; a published journey may not: its coupons would never come. */
async function requireCampaigns(db: Db, definition: JourneyDefinition): Promise<void> {
  const named = Object.entries(definition.nodes).flatMap(([nodeId, node]) => (node.type === 'issue_coupon' && node.campaign !== undefined ? [{ nodeId, campaign: node.campaign }] : []));
  const existing = await existingCampaignIds(db, named.map((n) => n.campaign));
  const missing = named.filter((n) => !existing.has(n.campaign));
  if (missing.length > 0) {
    throw new InvalidJourneyError(missing.map((n) => ({ nodeId: n.nodeId, reason: `campaign: no coupon campaign "${n.campaign}" (create it with POST /v1/coupon-campaigns)`, field: 'campaign' })));
  }
}

export interface JourneyTemplate {
  name: string;
  id: string;
  title: string;
  description?: string;
  definition: JourneyDefinition;
}

export interface MigrationPreview {
  journeyId: string;
  toVersion: number | 'draft';
  nodeMap: Record<string, string>;
  versions: { version: number; contacts: number; nodes: { nodeId: string | null; contacts: number; movesTo: string | null }[] }[];
  wouldMove: number;
  wouldStay: number;
}

/** E-mail templates a published journey may name (api/templates.service.ts). */
interface SendableTemplates {
  unsendable(names: readonly string[]): Promise<{ name: string; reason: string }[]>;
}

/** A published journey sends its templates: each must exist, be an e-mail and have a published version. */
async function requireTemplates(templates: SendableTemplates | undefined, definition: JourneyDefinition): Promise<void> {
  if (templates === undefined) return;
  const named = Object.entries(definition.nodes).flatMap(([nodeId, node]) => (node.type === 'send_email' ? [{ nodeId, template: node.template }] : []));
  const problems = new Map((await templates.unsendable(named.map((n) => n.template))).map((problem) => [problem.name, problem.reason]));
  const issues = named.flatMap((n) => (problems.has(n.template) ? [{ nodeId: n.nodeId, reason: `template: ${problems.get(n.template)}` }] : []));
  if (issues.length > 0) throw new InvalidJourneyError(issues);
}

export function createJourneyService(deps: { db: Db; temporal: Client; journeys: JourneyStore; schedules: JourneyScheduler; templatesDir?: string; templates?: SendableTemplates; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const templatesDir = deps.templatesDir ?? JOURNEY_TEMPLATES_DIR;

  /** The built-in templates, validated by their loader; a template that fails validation is a bug of ours and surfaces as a 500. */
  async function templates(): Promise<JourneyTemplate[]> {
    const names = await listJourneyTemplates(templatesDir).catch(() => []);
    return Promise.all(
      names.map(async (name) => {
        const definition = await loadJourneyTemplate(name, templatesDir);
        return { name, id: definition.id, title: definition.name, ...(definition.description === undefined ? {} : { description: definition.description }), definition };
      }),
    );
  }

  async function template(name: string): Promise<JourneyTemplate> {
    const found = (await templates()).find((candidate) => candidate.name === name);
    if (found === undefined) throw new HttpError(404, 'unknown_template', `no journey template "${name}" (GET /v1/journey-templates lists them)`);
    return found;
  }

  async function describe(id: string) {
    const journey = (await findJourney(deps.db, id)) ?? notFound(id);
    const [versions, active, analytics] = await Promise.all([
      listJourneyVersions(deps.db, id),
      journey.activeVersion === null ? undefined : findJourneyVersion(deps.db, id, journey.activeVersion),
      journeyAnalytics(deps.db, id),
    ]);
    return { journey, versions, activeDefinition: active?.definition ?? null, analytics };
  }

  /** Signals every in-flight run of a journey; returns how many were reached. */
  async function signalAll(journeyId: string, act: (run: InFlightRun) => Promise<void>): Promise<number> {
    return forEachRun(await inFlightRunsOfJourney(deps.db, journeyId), act);
  }

  function checkNodeMap(nodeMap: Record<string, string>, target: JourneyDefinition, olderNodes: ReadonlySet<string>): void {
    const issues: DefinitionIssue[] = [];
    for (const [from, to] of Object.entries(nodeMap)) {
      if (!olderNodes.has(from)) issues.push({ nodeId: from, reason: `node map: no earlier version has a node "${from}"` });
      if (target.nodes[to] === undefined) issues.push({ nodeId: from, reason: `node map: the new version has no node "${to}"` });
    }
    if (issues.length > 0) throw new InvalidJourneyError(issues, 'nodeMap');
  }

  async function olderNodeIds(journeyId: string, beforeVersion: number): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const { version } of await listJourneyVersions(deps.db, journeyId)) {
      if (version >= beforeVersion) continue;
      const stored = await findJourneyVersion(deps.db, journeyId, version);
      for (const nodeId of Object.keys((stored?.definition as JourneyDefinition | undefined)?.nodes ?? {})) ids.add(nodeId);
    }
    return ids;
  }

  /** Where a run at `nodeId` lands in `target`: the mapped node, else the node of the same id, else nowhere (it stays). */
  const destination = (nodeId: string | null, target: JourneyDefinition, nodeMap: Record<string, string>): string | null => {
    if (nodeId === null) return null;
    const mapped = nodeMap[nodeId] ?? nodeId;
    return target.nodes[mapped] === undefined ? null : mapped;
  };

  return {
    templates,

    /** Every journey, each with its runs counted (entered, in flight, goal): the list's live counts. */
    async list() {
      const [journeys, counts] = await Promise.all([listJourneys(deps.db), runCountsByJourney(deps.db)]);
      return journeys.map((journey) => ({ ...journey, runs: counts.get(journey.id) ?? { entered: 0, inFlight: 0, exitedByGoal: 0 } }));
    },

    describe,
    /** Contacts in flight at a node (of the active version unless one is named), a page after a run id. */
    async contactsAtNode(id: string, nodeId: string, page: { version?: number | undefined; limit: number; after?: string | undefined }) {
      const journey = (await findJourney(deps.db, id)) ?? notFound(id);
      const version = page.version ?? journey.activeVersion;
      if (version === null) return { version: null, contacts: [], next: null };
      const contacts = await contactsAtNode(deps.db, { journeyId: id, version, nodeId }, { limit: page.limit + 1, after: page.after });
      const more = contacts.length > page.limit;
      const shown = contacts.slice(0, page.limit);
      return { version, contacts: shown, next: more ? shown.at(-1)!.runId : null };
    },

    /** A new draft, from a posted definition or a copy of a built-in template (id and name overridable). */
    async create(body: { definition?: unknown; fromTemplate?: string; id?: string; name?: string; inFlightPolicy?: InFlightPolicy }): Promise<JourneyRecord> {
      let input: unknown = body.definition;
      if (body.fromTemplate !== undefined) {
        const { definition } = await template(body.fromTemplate);
        input = { ...definition, ...(body.id === undefined ? {} : { id: body.id }), ...(body.name === undefined ? {} : { name: body.name }) };
      }
      const validation = validateJourneyDefinition(input);
      if (!validation.ok) throw new InvalidJourneyError(validation.issues);
      const { id, name } = validation.definition;
      const created = await createJourneyDraft(deps.db, { id, name, draft: input, ...(body.inFlightPolicy === undefined ? {} : { inFlightPolicy: body.inFlightPolicy }) }, now());
      if (!created) throw new HttpError(409, 'journey_exists', `a journey "${id}" exists: edit its draft with PUT /v1/journeys/${id}/draft`);
      return (await findJourney(deps.db, id)) ?? notFound(id);
    },

    async updateDraft(id: string, definition: unknown, inFlightPolicy?: InFlightPolicy): Promise<JourneyRecord> {
      const existing = (await findJourney(deps.db, id)) ?? notFound(id);
      if (existing.status === 'archived') throw new HttpError(409, 'journey_archived', `journey ${id} is archived`);
      const valid = validateFor(id, definition);
      return (await updateJourneyDraft(deps.db, id, { name: valid.name, draft: definition, ...(inFlightPolicy === undefined ? {} : { inFlightPolicy }) }, now())) ?? notFound(id);
    },

    /**
     * Freezes the draft as a new version that new entries run. With `move_to_new`, every run in flight
     * on an older version is told to continue in the new one at the mapped node (or the node of the
     * same id); with `finish_on_old` they finish where they are.
     */
    async publish(id: string, options: { inFlightPolicy?: InFlightPolicy; nodeMap?: Record<string, string> }) {
      const journey = (await findJourney(deps.db, id)) ?? notFound(id);
      if (journey.draft === null) throw new HttpError(409, 'no_draft', `journey ${id} has no draft to publish: PUT /v1/journeys/${id}/draft first`);
      const definition = validateFor(id, journey.draft);
      await requireCampaigns(deps.db, definition);
      await requireTemplates(deps.templates, definition);
      const policy = options.inFlightPolicy ?? journey.inFlightPolicy;
      const nodeMap = options.nodeMap ?? {};
      if (policy === 'move_to_new') checkNodeMap(nodeMap, definition, await olderNodeIds(id, Number.MAX_SAFE_INTEGER));
      const outcome = await publishJourneyDraft(deps.db, id, { definition, inFlightPolicy: policy, ...(options.nodeMap === undefined ? {} : { nodeMap }) }, now());
      if (!outcome.ok) {
        if (outcome.reason === 'not_found') notFound(id);
        throw new HttpError(409, outcome.reason === 'archived' ? 'journey_archived' : 'no_draft', `journey ${id} cannot be published: ${outcome.reason.replace('_', ' ')}`);
      }
      deps.journeys.forget();
      // A calendar entry gets its Temporal Schedule now; a version without one loses it.
      await deps.schedules.sync(id);
      let moved = 0;
      if (policy === 'move_to_new') {
        const runs = await inFlightRunsOfJourney(deps.db, id, { beforeVersion: outcome.version });
        moved = await forEachRun(runs, (run) =>
          tellJourneyRun(deps.temporal, run, { kind: 'migrate', target: { version: outcome.version, definition, nodeMap } }),
        );
      }
      return { id, version: outcome.version, previousVersion: outcome.previousVersion, inFlightPolicy: policy, movedRuns: moved };
    },

    async setStatus(id: string, action: 'pause' | 'resume' | 'archive') {
      const rules: Record<typeof action, { from: JourneyStatus[]; to: JourneyStatus }> = {
        pause: { from: ['active'], to: 'paused' },
        resume: { from: ['paused'], to: 'active' },
        archive: { from: ['draft', 'active', 'paused'], to: 'archived' },
      };
      const rule = rules[action];
      const journey = await transitionJourney(deps.db, id, rule.from, rule.to, now());
      if (journey === undefined) {
        const existing = (await findJourney(deps.db, id)) ?? notFound(id);
        throw new HttpError(409, 'invalid_transition', `journey ${id} is ${existing.status}: cannot ${action} it`);
      }
      deps.journeys.forget();
      await deps.schedules.sync(id);
      let signalled = 0;
      if (action === 'pause') signalled = await signalAll(id, (run) => tellJourneyRun(deps.temporal, run, { kind: 'pause' }));
      if (action === 'resume') signalled = await signalAll(id, (run) => tellJourneyRun(deps.temporal, run, { kind: 'resume' }));
      return { id, status: journey.status, signalledRuns: signalled };
    },

    /** Ends one contact's runs of a journey (every cart or order of theirs), wherever they are. */
    async stopForContact(id: string, contactId: string, reason: string) {
      if ((await findJourney(deps.db, id)) === undefined) notFound(id);
      const runs = await inFlightRunsOfContact(deps.db, contactId, id);
      const stopped = await forEachRun(runs, (run) => tellJourneyRun(deps.temporal, run, { kind: 'stop', reason }));
      return { id, contactId, stoppedRuns: stopped, workflowIds: runs.map((run) => run.workflowId) };
    },

    /**
     * How many contacts sit at each node of each version, and where a move to `toVersion` (default:
     * the draft about to be published) would put them with this node map. Reads only.
     */
    async previewMigration(id: string, options: { toVersion?: number; nodeMap?: Record<string, string> }): Promise<MigrationPreview> {
      const journey = (await findJourney(deps.db, id)) ?? notFound(id);
      let target: JourneyDefinition;
      let nodeMap = options.nodeMap;
      if (options.toVersion === undefined) {
        if (journey.draft === null) throw new HttpError(409, 'no_draft', `journey ${id} has no draft: name a version with toVersion`);
        target = validateFor(id, journey.draft);
      } else {
        const stored = (await findJourneyVersion(deps.db, id, options.toVersion)) ?? notFound(`${id} version ${options.toVersion}`);
        target = stored.definition as JourneyDefinition;
        nodeMap ??= stored.nodeMap ?? undefined;
      }
      nodeMap ??= {};
      const targetVersion = options.toVersion ?? (journey.activeVersion ?? 0) + 1;
      const versions = new Map<number, MigrationPreview['versions'][number]>();
      let wouldMove = 0;
      let wouldStay = 0;
      for (const row of await inFlightCountsByNode(deps.db, id)) {
        let version = versions.get(row.version);
        if (version === undefined) {
          version = { version: row.version, contacts: 0, nodes: [] };
          versions.set(row.version, version);
        }
        const movesTo = row.version < targetVersion ? destination(row.nodeId, target, nodeMap) : null;
        version.contacts += row.contacts;
        version.nodes.push({ nodeId: row.nodeId, contacts: row.contacts, movesTo });
        if (movesTo === null) wouldStay += row.contacts;
        else wouldMove += row.contacts;
      }
      return { journeyId: id, toVersion: options.toVersion ?? 'draft', nodeMap, versions: [...versions.values()], wouldMove, wouldStay };
    },

    /** Built-in templates become drafts on first start, so marketers find them ready to copy and edit. */
    async seedTemplates(): Promise<number> {
      let seeded = 0;
      for (const candidate of await templates()) {
        if (await createJourneyDraft(deps.db, { id: candidate.id, name: candidate.title, draft: candidate.definition }, now())) seeded += 1;
      }
      return seeded;
    },
  };
}

export type JourneyService = ReturnType<typeof createJourneyService>;
export type { JourneyAnalytics };
