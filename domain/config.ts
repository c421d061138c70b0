import { z } from 'zod';

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
  /** Signs journey webhook calls (HMAC-SHA256); webhook nodes fail without it. */
  WEBHOOK_SIGNING_SECRET: optional(z.string().min(16, 'at least 16 characters')),
});
export type Config = z.infer<typeof Config>;

export class ConfigError extends Error {
  constructor(readonly issues: readonly { variable: string; reason: string }[]) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.reason}`).join('\n')}`,
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
export function requireSetting<K extends 'DATABASE_URL' | 'TEMPORAL_ADDRESS' | 'SMTP_URL' | 'PUBLIC_URL'>(
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
