import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createApiKey, findActiveApiKey, setApiKeyOrigins, type ApiKeyDatabase } from '../../db/api-key.repository.js';
import type { ApiKeyRole } from '../../db/api-key.types.js';
import { LOCAL_BROWSER_ORIGINS } from '../../domain/browser-origins.js';

// Local mode only. Production keys are created with `npm run keys` and shown once; here the
// plaintext is kept in the data folder (owner-only) so every start, and the README's curl
// examples, can use the same keys without anyone copying them.

export const LOCAL_KEYS_FILE = 'local-keys.json';

const SavedKeys = z.object({ writeKey: z.string(), adminKey: z.string() }).partial();

export interface LocalKeys {
  writeKey: string;
  adminKey: string;
}

async function readSaved(file: string): Promise<z.infer<typeof SavedKeys>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const saved = SavedKeys.safeParse(JSON.parse(text));
    return saved.success ? saved.data : {};
  } catch {
    // A damaged file is replaced by fresh keys, as if it were missing.
    return {};
  }
}

/** The saved key if it still authenticates with its role; otherwise (revoked, deleted with the database, edited) a new one. */
async function ensureKey<DB extends ApiKeyDatabase>(
  db: Kysely<DB>,
  saved: string | undefined,
  role: ApiKeyRole,
  name: string,
  allowedOrigins: readonly string[] | null = null,
): Promise<{ key: string; created: boolean }> {
  if (saved !== undefined) {
    const active = await findActiveApiKey(db, saved);
    if (active?.role === role) {
      // A key saved before browser sources existed gains the local origins; ones edited by hand stay.
      if (allowedOrigins !== null && active.allowed_origins === null) await setApiKeyOrigins(db, active.id, allowedOrigins);
      return { key: saved, created: false };
    }
  }
  const created = await createApiKey(db, { role, name, allowedOrigins });
  return { key: created.key, created: true };
}

async function writePrivate(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  // The mode above applies only when the file is created; chmod covers a leftover temporary file.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/**
 * The write key ("local website") and admin key ("local admin") of `npm start`'s local mode.
 * The write key is a browser source for pages served from this machine (http://localhost,
 * 127.0.0.1 and [::1], any port), so a page on a local dev server can load analytics.js with it.
 * Both are created on the first start and saved in `<dataDir>/local-keys.json` (mode 0600), read back and
 * checked on later starts, re-created when revoked or missing.
 */
export async function ensureLocalKeys<DB extends ApiKeyDatabase>(db: Kysely<DB>, dataDir: string): Promise<LocalKeys> {
  const file = path.join(dataDir, LOCAL_KEYS_FILE);
  const saved = await readSaved(file);
  const write = await ensureKey(db, saved.writeKey, 'write', 'local website', LOCAL_BROWSER_ORIGINS);
  const admin = await ensureKey(db, saved.adminKey, 'admin', 'local admin');
  const keys: LocalKeys = { writeKey: write.key, adminKey: admin.key };
  if (write.created || admin.created) {
    await mkdir(dataDir, { recursive: true });
    await writePrivate(
      file,
      `${JSON.stringify({ note: 'Local development keys of npm start. Never use them in production.', ...keys }, null, 2)}\n`,
    );
  } else {
    await chmod(file, 0o600);
  }
  return keys;
}

export const LOCAL_SECRET_FILE = 'local-secret';

/**
 * The link-signing secret of `npm start`'s local mode when RELANCE_SECRET is unset: generated on the
 * first start and kept in `<dataDir>/local-secret` (mode 0600), so links in e-mails already sent keep
 * working after a restart.
 */
export async function ensureLocalSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, LOCAL_SECRET_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (saved.length >= 32) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  await writePrivate(file, `${secret}\n`);
  return secret;
}
