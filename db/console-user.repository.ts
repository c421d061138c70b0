import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { sql, type Generated, type Kysely } from 'kysely';
import type { ConsoleRole } from '../domain/console.js';
import type { CreatedAt, Timestamp } from './database.js';


export interface ConsoleUserTable {
  id: Generated<string>;
  /** Lower-cased: one person, one row, however they type their address. */
  email: string;
  /** `scrypt$N$r$p$<salt>$<hash>`, base64url. */
  password_hash: string;
  role: ConsoleRole;
  disabled_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface ConsoleSessionTable {
  /** SHA-256 of the cookie's random token. */
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface ConsoleLoginFailureTable {
  id: Generated<number>;
  /** `email:<address>` or `ip:<address>`. */
  subject: string;
  failed_at: CreatedAt;
}

export interface ConsoleUserDatabase {
  console_users: ConsoleUserTable;
  console_sessions: ConsoleSessionTable;
  console_login_failures: ConsoleLoginFailureTable;
}

export interface ConsoleUser {
  id: string;
  email: string;
  role: ConsoleRole;
  disabledAt: Date | null;
  createdAt: Date;
}

// Kysely's database type is invariant: narrow any database that has these tables (as api-key.repository does).
function users<DB extends ConsoleUserDatabase>(db: Kysely<DB>): Kysely<ConsoleUserDatabase> {
  return db as unknown as Kysely<ConsoleUserDatabase>;
}

// One of OWASP's equivalent scrypt minimums (N=2^15, r=8, p=3): the work that makes a stolen hash
// expensive to guess, with 32 MB per hash rather than the 128 MB of N=2^17, so a burst of logins
// cannot exhaust the API's memory. maxmem must allow 128·N·r bytes.
const SCRYPT = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error === null ? resolve(key) : reject(error))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Compared against when the address is unknown, so a login takes as long for a stranger as for a
// user with a wrong password and the answer time does not tell which addresses exist.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

const toUser = (row: { id: string; email: string; role: ConsoleRole; disabled_at: Date | null; created_at: Date }): ConsoleUser => ({
  id: row.id,
  email: row.email,
  role: row.role,
  disabledAt: row.disabled_at,
  createdAt: row.created_at,
});
const USER_COLUMNS = ['id', 'email', 'role', 'disabled_at', 'created_at'] as const;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export class ConsoleUserExistsError extends Error {}

export async function createConsoleUser<DB extends ConsoleUserDatabase>(db: Kysely<DB>, input: { email: string; role: ConsoleRole; password: string }): Promise<ConsoleUser> {
  const password_hash = await hashPassword(input.password);
  const row = await users(db)
    .insertInto('console_users')
    .values({ email: normaliseEmail(input.email), role: input.role, password_hash })
    .onConflict((conflict) => conflict.column('email').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  if (row === undefined) throw new ConsoleUserExistsError(`a console user ${normaliseEmail(input.email)} already exists`);
  return toUser(row);
}

export async function listConsoleUsers<DB extends ConsoleUserDatabase>(db: Kysely<DB>): Promise<ConsoleUser[]> {
  return (await users(db).selectFrom('console_users').select(USER_COLUMNS).orderBy('created_at').orderBy('id').execute()).map(toUser);
}

/** The user and their hash, for a login; undefined if unknown. */
export async function findUserForLogin<DB extends ConsoleUserDatabase>(db: Kysely<DB>, email: string): Promise<(ConsoleUser & { passwordHash: string }) | undefined> {
  const row = await users(db).selectFrom('console_users').select([...USER_COLUMNS, 'password_hash']).where('email', '=', normaliseEmail(email)).executeTakeFirst();
  return row === undefined ? undefined : { ...toUser(row), passwordHash: row.password_hash };
}

/** Disables a user and ends their sessions at once; false when no enabled user has this address. */
export async function disableConsoleUser<DB extends ConsoleUserDatabase>(db: Kysely<DB>, email: string): Promise<boolean> {
  return users(db)
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .updateTable('console_users')
        .set({ disabled_at: sql<Date>`now()` })
        .where('email', '=', normaliseEmail(email))
        .where('disabled_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (row === undefined) return false;
      await trx.deleteFrom('console_sessions').where('user_id', '=', row.id).execute();
      return true;
    });
}

export const hashSessionToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new session; the random token goes into the cookie and is never stored. */
export async function createSession<DB extends ConsoleUserDatabase>(db: Kysely<DB>, userId: string, expiresAt: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await users(db).insertInto('console_sessions').values({ token_hash: hashSessionToken(token), user_id: userId, expires_at: expiresAt }).execute();
  return token;
}

/** The enabled user behind an unexpired session token. */
export async function findSessionUser<DB extends ConsoleUserDatabase>(db: Kysely<DB>, token: string): Promise<(ConsoleUser & { expiresAt: Date }) | undefined> {
  const row = await users(db)
    .selectFrom('console_sessions as s')
    .innerJoin('console_users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.email', 'u.role', 'u.disabled_at', 'u.created_at', 's.expires_at'])
    .where('s.token_hash', '=', hashSessionToken(token))
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : { ...toUser(row), expiresAt: row.expires_at };
}

export async function deleteSession<DB extends ConsoleUserDatabase>(db: Kysely<DB>, token: string): Promise<void> {
  // Expired rows of anyone go with it: logging out is frequent enough to keep the table small.
  await users(db)
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('token_hash', '=', hashSessionToken(token)), eb('expires_at', '<=', sql<Date>`now()`)]))
    .execute();
}

/** Failures per subject within the window, and when the oldest of them leaves it. */
export async function recentLoginFailures<DB extends ConsoleUserDatabase>(
  db: Kysely<DB>,
  subjects: readonly string[],
  windowMs: number,
): Promise<{ subject: string; failures: number; oldest: Date }[]> {
  const since = new Date(Date.now() - windowMs);
  const rows = await users(db)
    .selectFrom('console_login_failures')
    .select(['subject', (eb) => eb.fn.countAll<number>().as('failures'), (eb) => eb.fn.min('failed_at').as('oldest')])
    .where('subject', 'in', subjects)
    .where('failed_at', '>', since)
    .groupBy('subject')
    .execute();
  return rows.map((row) => ({ subject: row.subject, failures: Number(row.failures), oldest: new Date(row.oldest) }));
}

export async function recordLoginFailure<DB extends ConsoleUserDatabase>(db: Kysely<DB>, subjects: readonly string[], windowMs: number): Promise<void> {
  await users(db)
    .insertInto('console_login_failures')
    .values(subjects.map((subject) => ({ subject })))
    .execute();
  // Rows past the window count for nothing any more.
  await users(db).deleteFrom('console_login_failures').where('failed_at', '<', new Date(Date.now() - windowMs)).execute();
}

/** A successful login forgives the address's earlier failures (not the IP's: one address guessed right does not clear a spray). */
export async function clearLoginFailures<DB extends ConsoleUserDatabase>(db: Kysely<DB>, subject: string): Promise<void> {
  await users(db).deleteFrom('console_login_failures').where('subject', '=', subject).execute();
}
