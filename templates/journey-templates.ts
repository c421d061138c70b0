import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DefinitionIssue, JourneyDefinition } from '../domain/journeys/definition.js';
import { validateJourneyDefinition } from '../domain/journeys/graph.js';

export const JOURNEY_TEMPLATES_DIR = fileURLToPath(new URL('./journeys/', import.meta.url));

export class JourneyTemplateError extends Error {
  constructor(
    readonly template: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    super(`journey template ${template}: ${issues.map((issue) => `${issue.nodeId}: ${issue.reason}`).join('; ')}`);
    this.name = 'JourneyTemplateError';
  }
}

/** The built-in journeys marketers copy and edit: `templates/journeys/<name>.json`, validated. */
export async function loadJourneyTemplate(name: string, directory: string = JOURNEY_TEMPLATES_DIR): Promise<JourneyDefinition> {
  const source = await readFile(path.join(directory, `${name}.json`), 'utf8');
  const result = validateJourneyDefinition(JSON.parse(source));
  if (!result.ok) throw new JourneyTemplateError(name, result.issues);
  return result.definition;
}

export async function listJourneyTemplates(directory: string = JOURNEY_TEMPLATES_DIR): Promise<string[]> {
  return (await readdir(directory)).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length)).sort();
}
