import { parseConfig, type Config } from '../../domain/config.js';

/**
 * The engine's configuration for a test or a bench, parsed by the same schema as a process's
 * environment: the settings given, over a sender of the test domain, signed links, a weekly budget
 * no run reaches and no quiet hours (tests of those rules set their own).
 */
export function engineConfig(settings: Readonly<Record<string, string | undefined>> = {}): Readonly<Config> {
  return parseConfig({
    MAIL_FROM: 'Relance <hello@relance.test>',
    RELANCE_SECRET: 'test-link-secret-test-link-secret-test',
    PUBLIC_URL: 'http://127.0.0.1:3000',
    MARKETING_PER_WEEK: '1000',
    QUIET_HOURS: 'off',
    ...settings,
  });
}
