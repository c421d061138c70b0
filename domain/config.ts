import { z } from 'zod';
import { parseQuietHours } from './send-policy.js';
import { isTimeZone } from './time-zone.js';

const port = z.coerce.number().int().min(1).max(65_535);

const smtpUrl = z
  .string()
  .regex(/^smtps?:\/\/[^\s]+$/, 'expected smtp://[user:pass@]host:port or smtps://...');

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected postgres://user:password@host:port/database');

// Environment variables are strings: an unset variable and an empty one mean the same thing.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/**
 * The process configuration, read once from the environment at start-up.
 * Services left unset (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL) are started embedded by `npm start`;
 * the standalone API and worker require them.
 */
export const Config = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optional(postgresUrl),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: optional(z.string().regex(/^[^\s:/]+:\d+$/, 'expected host:port')),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('relance'),
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  TEMPORAL_API_KEY: optional(z.string().min(1)),
  SMTP_URL: optional(smtpUrl),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  SMTP_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  MAIL_FROM: z.string().min(3).default('Relance <hello@relance.localhost>'),
  PUBLIC_URL: optional(z.string().regex(/^https?:\/\/[^\s]+$/, 'expected http(s)://host[:port]')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RELANCE_DATA_DIR: z.string().min(1).default('.data'),
  /** The standalone worker's Prometheus endpoint (`GET /metrics`); the API serves its own on PORT. */
  METRICS_PORT: port.default(9464),
  /** Where the Temporal SDK's runtime exports its metrics, on loopback; /metrics appends them. */
  TEMPORAL_SDK_METRICS_ADDRESS: z.string().regex(/^[^\s:/]+:\d+$/, 'expected host:port').default('127.0.0.1:9465'),
  // The ports of what `npm start` runs embedded when the matching service URL is unset.
  EMBEDDED_TEMPORAL_PORT: port.default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port.default(8233),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  EMBEDDED_SMTP_PORT: port.default(2525),
  /** A workflow bundle built by `npm run build:workflows`: the worker starts in a second instead of bundling. */
  WORKFLOW_BUNDLE_PATH: optional(z.string().min(1)),
  /** Signs every webhook Relance sends (CRM hand-offs, journey webhook nodes); receivers hold the same secret. */
  WEBHOOK_SECRET: optional(z.string().min(32, 'at least 32 characters')),
  // Signs unsubscribe, preference, tracking and confirmation links. Required by the standalone API and
  // worker; `npm start` generates one and keeps it in the data folder.
  RELANCE_SECRET: optional(z.string().min(32, 'at least 32 characters, e.g. `openssl rand -base64 32`')),
  MARKETING_PER_WEEK: z.coerce.number().int().min(1).max(1000).default(5),
  MARKETING_OVER_BUDGET: z.enum(['defer', 'skip']).default('defer'),
  QUIET_HOURS: z
    .string()
    .default('21:00-08:00')
    .refine((value) => parseQuietHours(value) !== undefined, 'expected HH:MM-HH:MM or off')
    .transform((value) => parseQuietHours(value) ?? null),
  DEFAULT_TIMEZONE: z.string().default('UTC').refine(isTimeZone, 'expected an IANA time zone such as Europe/Paris'),
  DOUBLE_OPT_IN: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Named sender identities a template picks with `sender: <name>`, as JSON: {"news": {"from": "...", "replyTo": "..."}}. */
  MAIL_SENDERS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().regex(/^[a-z0-9_-]+$/), z.object({ from: z.string().min(3), replyTo: z.string().min(3).optional() }).strict())),
  /** The site e-mails speak for: `{{ site.name }}` in footers, `{{ site.url }}` behind the built-in templates' buttons. */
  SITE_NAME: optional(z.string().min(1).max(200)),
  SITE_URL: optional(z.string().regex(/^https?:\/\/[^\s]+$/, 'expected http(s)://host[/path]')),
  /**
   * Days events and score-ledger lines are kept (by occurred_at; whole weeks are dropped once entirely
   * past it). Unset: the longest scoring window of the stored scoring models + 14.
   */
  EVENT_RETENTION_DAYS: optional(z.coerce.number().int().min(1).max(36_500)),
  /**
   * Days a message id is remembered from its receipt, so a retry is acknowledged and not stored again.
   * Unset: the event retention. Shorter keeps the dedup table small at high rates, for senders whose
   * retries come within it (Segment's own dedup window is about a day).
   */
  MESSAGE_ID_RETENTION_DAYS: optional(z.coerce.number().int().min(1).max(36_500)),
  /** The mailto: half of List-Unsubscribe; defaults to unsubscribe@ the sender's domain. */
  UNSUBSCRIBE_MAILTO: optional(z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an e-mail address')),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  constructor(readonly issues: readonly { variable: string; reason: string }[]) {
    super(
      // One line, so it stands out as the reason a process did not start.
      `Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.reason}`).join('; ')}; fix these environment variables`,
    );
    this.name = 'ConfigError';
  }
}

export function parseConfig(env: Readonly<Record<string, string | undefined>>): Readonly<Config> {
  const result = Config.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: issue.path.join('.') || '(environment)',
        reason: issue.message,
      })),
    );
  }
  return Object.freeze(result.data);
}

/** For the processes that cannot run on an embedded service: names the missing variable. */
export function requireSetting<K extends 'DATABASE_URL' | 'TEMPORAL_ADDRESS' | 'SMTP_URL' | 'PUBLIC_URL' | 'RELANCE_SECRET'>(
  config: Readonly<Config>,
  name: K,
  hint: string,
): NonNullable<Config[K]> {
  const value = config[name];
  if (value === undefined) throw new ConfigError([{ variable: name, reason: `required (${hint})` }]);
  return value as NonNullable<Config[K]>;
}

/** The connection settings shared by the worker's native connection and the API's client. */
export function temporalConnectionOptions(config: Readonly<Config>, address: string) {
  return {
    address,
    tls: config.TEMPORAL_TLS || config.TEMPORAL_API_KEY !== undefined,
    ...(config.TEMPORAL_API_KEY === undefined ? {} : { apiKey: config.TEMPORAL_API_KEY }),
  };
}
