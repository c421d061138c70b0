import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, requireSetting } from '../../domain/config.js';

describe('configuration', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', PORT: '8080' })).toMatchObject({ DATABASE_URL: undefined, PORT: 8080 });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['SMTP_URL', 'http://mail'],
    ['TEMPORAL_ADDRESS', 'no-port'],
    ['TEMPORAL_TLS', 'yes'],
    ['EVENT_RETENTION_DAYS', '0'],
    ['EVENT_RETENTION_DAYS', 'forever'],
    ['EVENT_RETENTION_DAYS', '30.5'],
    ['MESSAGE_ID_RETENTION_DAYS', '-1'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    const attempt = () => parseConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: (.*; )?${variable}: `));
  });

  it('reads the event retention in days; unset, the partition maintenance derives it from the scoring models', () => {
    expect(parseConfig({ EVENT_RETENTION_DAYS: '120' }).EVENT_RETENTION_DAYS).toBe(120);
    expect(parseConfig({}).EVENT_RETENTION_DAYS).toBeUndefined();
    expect(parseConfig({ MESSAGE_ID_RETENTION_DAYS: '2' }).MESSAGE_ID_RETENTION_DAYS).toBe(2);
  });

  it('reports every bad variable at once', () => {
    try {
      parseConfig({ PORT: '-1', SMTP_URL: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.variable).sort()).toEqual(['PORT', 'SMTP_URL']);
    }
  });

  it('names a setting a standalone process needs', () => {
    expect(() => requireSetting(parseConfig({}), 'DATABASE_URL', 'standalone')).toThrow(/DATABASE_URL: required \(standalone\)/);
    expect(requireSetting(parseConfig({ DATABASE_URL: 'postgres://u:p@h:5432/d' }), 'DATABASE_URL', '')).toBe('postgres://u:p@h:5432/d');
  });

  it('reads the messaging settings: secret, budget, quiet hours, zone, senders', () => {
    const config = parseConfig({
      RELANCE_SECRET: 'x'.repeat(32),
      QUIET_HOURS: '22:30-07:15',
      DEFAULT_TIMEZONE: 'Europe/Paris',
      MAIL_SENDERS: '{"news":{"from":"News <news@shop.example>","replyTo":"help@shop.example"}}',
    });
    expect(config).toMatchObject({ MARKETING_PER_WEEK: 5, MARKETING_OVER_BUDGET: 'defer', DOUBLE_OPT_IN: false, DEFAULT_TIMEZONE: 'Europe/Paris' });
    expect(config.QUIET_HOURS).toEqual({ startMinute: 22 * 60 + 30, endMinute: 7 * 60 + 15 });
    expect(config.MAIL_SENDERS['news']).toEqual({ from: 'News <news@shop.example>', replyTo: 'help@shop.example' });
    expect(parseConfig({ QUIET_HOURS: 'off' }).QUIET_HOURS).toBeNull();
  });

  it.each([
    ['RELANCE_SECRET', 'short'],
    ['QUIET_HOURS', '9pm-8am'],
    ['DEFAULT_TIMEZONE', 'Mars/Olympus'],
    ['MAIL_SENDERS', '{"news":'],
    ['MAIL_SENDERS', '{"news":{"replyTo":"a@b.c"}}'],
    ['MARKETING_OVER_BUDGET', 'drop'],
  ])('rejects messaging setting %s=%s naming it', (variable, value) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(new RegExp(`: ${variable}[.:]`));
  });
});
