import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConsoleUserExistsError, createConsoleUser, disableConsoleUser, listConsoleUsers, type ConsoleUserDatabase } from '../db/console-user.repository.js';
import { createDb } from '../db/connection.js';
import { ConfigError, parseConfig, requireSetting } from '../domain/config.js';
import { NewConsoleUser } from '../domain/console.js';

// `npm run users -- <command>`: the people who log in to the console. A password given with
// --password is hashed at once; without it one is generated and printed once. Only the scrypt
// hash is stored.

const USAGE = `usage:
  npm run users -- create --email E --role admin|marketer|sales [--password P]
  npm run users -- list
  npm run users -- disable E

  admin     everything, including people and settings
  marketer  contacts, journeys, newsletters, dashboard; not people or settings
  sales     a rep: their own leads (the e-mail is the rep's, as in routing rules)`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'create' && command !== 'list' && command !== 'disable') throw new UsageError(command === undefined ? '' : `unknown command "${command}"`);
  const generated = parsed.values.password === undefined ? randomBytes(12).toString('base64url') : undefined;
  const input = command === 'create' ? NewConsoleUser.safeParse({ email: parsed.values.email, role: parsed.values.role, password: parsed.values.password ?? generated }) : undefined;
  if (input !== undefined && !input.success) throw new UsageError(input.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
  if (command === 'disable' && (rest.length !== 1 || !z.email().safeParse(rest[0]).success)) throw new UsageError('expected disable E (the e-mail shown by list)');

  const config = parseConfig(process.env);
  const url = requireSetting(config, 'DATABASE_URL', "the users live in the engine's database; `npm start`'s embedded one is postgres://relance:relance@127.0.0.1:54329/relance");
  const db = createDb(url, { poolMax: 1 });
  const users = db as unknown as Kysely<ConsoleUserDatabase>;
  try {
    if (input?.success === true) {
      try {
        const user = await createConsoleUser(users, input.data);
        console.log(`Created ${user.role} ${user.email}${generated === undefined ? '' : ` with password ${generated} (shown once: only its hash is kept)`}`);
        return 0;
      } catch (error) {
        if (!(error instanceof ConsoleUserExistsError)) throw error;
        console.error(error.message);
        return 1;
      }
    }
    if (command === 'disable') {
      if (await disableConsoleUser(users, rest[0]!)) {
        console.log(`Disabled ${rest[0]}: their sessions ended now.`);
        return 0;
      }
      console.error(`No enabled console user ${rest[0]} (see npm run users -- list).`);
      return 1;
    }
    const all = await listConsoleUsers(users);
    if (all.length === 0) console.log('no console users yet: npm run users -- create --email you@example.com --role admin');
    for (const user of all) console.log(`${user.email.padEnd(32)}  ${user.role.padEnd(8)}  created ${user.createdAt.toISOString()}${user.disabledAt === null ? '' : `  disabled ${user.disabledAt.toISOString()}`}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message === '' ? USAGE : `users: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof ConfigError ? error.message : `users: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
