// Durations in journey definitions are short human strings ("1 hour", "24h", "4 days", "-2 days"),
// so a marketer reads a template file at a glance. Pure: imported by the journey workflow.

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

export const DURATION_PATTERN = /^(-)?\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?|w|weeks?)$/;

/** Milliseconds of a duration string, or undefined when it is not one. Negative only with a leading "-". */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, minus, amount, unit] = match;
  const perUnit = UNIT_MS[unit ?? ''];
  if (perUnit === undefined) return undefined;
  const ms = Number(amount) * perUnit;
  return minus === undefined ? ms : -ms;
}

/** For values a schema already accepted. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TypeError(`not a duration: "${text}"`);
  return ms;
}
