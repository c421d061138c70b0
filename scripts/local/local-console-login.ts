import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createConsoleUser, findUserForLogin, verifyPassword, type ConsoleUserDatabase } from '../../db/console-user.repository.js';
import type { Db } from '../../db/connection.js';

// Local mode only, like local-keys.json: `npm start` creates one admin login for the console and
// keeps its password in the data folder (owner-only) so every start can print it. Production
// creates people with `npm run users`.

export const LOCAL_LOGIN_FILE = 'local-console-login.json';
export const LOCAL_ADMIN_EMAIL = 'admin@relance.local';

const Saved = z.object({ email: z.string(), password: z.string() });

export async function ensureLocalConsoleLogin(db: Db, dataDir: string): Promise<{ email: string; password: string }> {
  const users = db as unknown as Kysely<ConsoleUserDatabase>;
  const file = path.join(dataDir, LOCAL_LOGIN_FILE);
  // A missing or damaged file is as if there were none.
  const saved = await readFile(file, 'utf8')
    .then((text) => Saved.safeParse(JSON.parse(text)))
    .catch(() => undefined);
  if (saved?.success === true) {
    const user = await findUserForLogin(users, saved.data.email);
    if (user !== undefined && user.disabledAt === null && (await verifyPassword(saved.data.password, user.passwordHash))) return saved.data;
    // Disabled, deleted with the database or its password changed: the saved login no longer opens the console.
    if (user !== undefined) return { email: user.email, password: '(changed since it was saved; see npm run users)' };
  }
  const login = { email: LOCAL_ADMIN_EMAIL, password: randomBytes(12).toString('base64url') };
  const existing = await findUserForLogin(users, login.email);
  if (existing !== undefined) return { email: existing.email, password: '(not saved here; see npm run users)' };
  await createConsoleUser(users, { ...login, role: 'admin' });
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${JSON.stringify({ note: 'Local console login of npm start. Never use it in production.', ...login }, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return login;
}
