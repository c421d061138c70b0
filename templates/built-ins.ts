import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateKind } from './renderer.js';

/** The files of a templates folder: its e-mails (`*.mjml`) and partials (`partials/*.mjml`), the built-in templates. */
export async function readBuiltInTemplates(directory: string): Promise<{ name: string; kind: TemplateKind; source: string }[]> {
  const read = async (folder: string, kind: TemplateKind) => {
    const files = (await readdir(folder).catch(() => [] as string[])).filter((file) => /^[a-z0-9][a-z0-9_-]*\.mjml$/.test(file)).sort();
    return Promise.all(files.map(async (file) => ({ name: file.slice(0, -'.mjml'.length), kind, source: await readFile(path.join(folder, file), 'utf8') })));
  };
  return [...(await read(directory, 'email')), ...(await read(path.join(directory, 'partials'), 'partial'))];
}
