import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, setApiKeyOrigins, type ApiKeySummary } from '../db/api-key.repository.js';
import type { ApiKeyTable } from '../db/api-key.types.js';
import { createDb } from '../db/connection.js';
import { AllowedOrigins } from '../domain/browser-origins.js';
import { ConfigError, parseConfig, requireSetting } from '../domain/config.js';

// `npm run keys -- <command>`: creates, lists and revokes API keys. A key is printed once, at
// creation; the database keeps only its hash.

const USAGE = `usage:
  npm run keys -- create --role write|admin|sales|shop --name NAME [--owner REP_OR_TEAM] [--origins ORIGIN,…]
  npm run keys -- origins ID --origins ORIGIN,…|none
  npm run keys -- list
  npm run keys -- revoke ID

  write  sends events only (one per source: website, shop, CRM)
  admin  reads and configures everything
  sales  one rep's or team's key (--owner required)
  shop   a checkout's or till's key: checks and redeems coupons

  --origins  the web pages a write key may send from (analytics.js in the browser), e.g.
             https://shop.example,https://www.shop.example; http://localhost:* for any port;
             * for any page at all. Write keys only; none removes them.`;

const CreateOptions = z.object({
  role: z.enum(['write', 'admin', 'sales', 'shop'], { error: 'expected --role write, admin, sales or shop' }),
  name: z.string({ error: 'expected --name NAME' }).trim().min(1, 'expected --name NAME'),
  owner: z.string().trim().min(1, '--owner must not be empty').optional(),
  origins: z.string().optional(),
});

/** `--origins a,b` as a list of canonical origins; the issues name the origin refused. */
const OriginsOption = z
  .string({ error: 'expected --origins ORIGIN,… (or none)' })
  .transform((list) => list.split(',').filter((part) => part.trim() !== ''))
  .pipe(AllowedOrigins);

function parseOrigins(list: string): string[] {
  const parsed = OriginsOption.safeParse(list);
  if (!parsed.success) throw new UsageError(`--origins: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}

// Browser origins only on write keys: a write key is public in every page; an admin or sales key is not.
const ORIGINS_NEED_A_WRITE_KEY = '--origins is for write keys only: no other key may ever be usable from a web page';

class UsageError extends Error {}

type Command =
  | { command: 'help' }
  | { command: 'create'; options: Omit<z.infer<typeof CreateOptions>, 'origins'> & { allowedOrigins?: string[] } }
  | { command: 'origins'; id: string; allowedOrigins: string[] | null }
  | { command: 'list' }
  | { command: 'revoke'; id: string };

function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' }, origins: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help === true) return { command: 'help' };
  if (command === undefined) throw new UsageError('');
  switch (command) {
    case 'create': {
      if (rest.length > 0) throw new UsageError(`create takes no positional argument (got "${rest.join(' ')}")`);
      const options = CreateOptions.safeParse(parsed.values);
      if (!options.success) throw new UsageError(options.error.issues.map((issue) => issue.message).join('; '));
      if (options.data.role === 'sales' && options.data.owner === undefined) {
        throw new UsageError('a sales key needs --owner (the rep or team it belongs to)');
      }
      const { origins, ...key } = options.data;
      if (origins === undefined) return { command, options: key };
      if (key.role !== 'write') throw new UsageError(ORIGINS_NEED_A_WRITE_KEY);
      return { command, options: { ...key, allowedOrigins: parseOrigins(origins) } };
    }
    case 'origins': {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0) throw new UsageError('expected origins ID --origins ORIGIN,… (the id shown by list)');
      const origins = parsed.values.origins;
      if (origins === undefined) throw new UsageError('expected --origins ORIGIN,… (or none)');
      return { command, id, allowedOrigins: origins.trim() === 'none' ? null : parseOrigins(origins) };
    }
    case 'list':
      if (rest.length > 0) throw new UsageError('list takes no argument');
      return { command };
    case 'revoke': {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0) throw new UsageError('expected revoke ID (the id shown by list)');
      return { command, id };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

const date = (value: Date | null) => (value === null ? '-' : value.toISOString().replace(/\.\d+Z$/, 'Z'));

function formatTable(keys: readonly ApiKeySummary[]): string {
  const rows = [
    ['ID', 'ROLE', 'NAME', 'OWNER', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED', 'ORIGINS'],
    ...keys.map((key) => [
      key.id,
      key.role,
      key.name,
      key.owner ?? '-',
      `${key.key_prefix}…`,
      date(key.created_at),
      date(key.last_used_at),
      date(key.revoked_at),
      key.allowed_origins?.join(',') ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

async function run(command: Command): Promise<number> {
  if (command.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = parseConfig(process.env);
  const url = requireSetting(config, 'DATABASE_URL', "the keys live in the engine's database; `npm start`'s embedded one is postgres://relance:relance@127.0.0.1:54329/relance");
  const db = createDb(url, { poolMax: 1 }).withTables<{ api_keys: ApiKeyTable }>();
  try {
    switch (command.command) {
      case 'create': {
        const created = await createApiKey(db, command.options);
        const owner = command.options.owner === undefined ? '' : ` for ${command.options.owner}`;
        const origins = created.allowedOrigins === null ? '' : `, usable from pages of ${created.allowedOrigins.join(', ')}`;
        // The key alone on stdout, so `KEY=$(npm run -s keys -- create ...)` captures just the key.
        console.error(`Created ${created.role} key "${created.name}"${owner} (id ${created.id}, prefix ${created.prefix}${origins}):`);
        console.log(created.key);
        console.error('Store it now, in a secret manager: it is shown only this once, and Relance keeps only its hash.');
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(db);
        console.log(keys.length === 0 ? 'no API keys yet: npm run keys -- create --role write --name website' : formatTable(keys));
        return 0;
      }
      case 'origins': {
        const outcome = await setApiKeyOrigins(db, command.id, command.allowedOrigins);
        if (outcome === 'updated') {
          const now = command.allowedOrigins === null ? 'no web page may use it' : `pages of ${command.allowedOrigins.join(', ')} may send with it`;
          console.log(`Key ${command.id}: ${now} (running APIs apply it within 30 s, their cache).`);
          return 0;
        }
        console.error(outcome === 'not_a_write_key' ? `Key ${command.id}: ${ORIGINS_NEED_A_WRITE_KEY}.` : `No active key with id ${command.id} (see npm run keys -- list).`);
        return 1;
      }
      case 'revoke': {
        if (await revokeApiKey(db, command.id)) {
          console.log(`Revoked key ${command.id}: running APIs refuse it within 30 s (their cache).`);
          return 0;
        }
        console.error(`No active key with id ${command.id} (unknown or already revoked; see npm run keys -- list).`);
        return 1;
      }
    }
  } finally {
    await db.destroy();
  }
}

try {
  process.exitCode = await run(parseCommand(process.argv.slice(2)));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(error.message === '' ? USAGE : `keys: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof ConfigError ? error.message : `keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
