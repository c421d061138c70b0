// Five-field cron as Temporal Schedules read it (minute hour day-of-month month day-of-week), checked
// when a journey is saved so a typo is a field error on the entry, not a schedule that never fires.

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too, as in most crons.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function valueOf(field: CronField, text: string): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  // Month names count from 1, weekday names from 0 (Sunday).
  if (named >= 0) return field.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

function partProblem(field: CronField, part: string): string | undefined {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined || range === '') return `${field.name}: "${part}" is not a value, range or step`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `${field.name}: step "${step}" must be a positive number`;
  if (range === '*') return undefined;
  const [from = '', to, more] = range.split('-');
  if (more !== undefined) return `${field.name}: "${range}" is not a range`;
  const low = valueOf(field, from);
  if (low === undefined) return `${field.name}: "${from}" is not between ${field.min} and ${field.max}`;
  if (to === undefined) return undefined;
  const high = valueOf(field, to);
  if (high === undefined) return `${field.name}: "${to}" is not between ${field.min} and ${field.max}`;
  return high < low ? `${field.name}: range "${range}" runs backwards` : undefined;
}

/** Why `expression` is not a five-field cron, or undefined when it is one. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== FIELDS.length) return `cron: five fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1"; got ${fields.length}`;
  for (const [index, text] of fields.entries()) {
    const field = FIELDS[index]!;
    for (const part of text.split(',')) {
      const problem = partProblem(field, part);
      if (problem !== undefined) return `cron ${problem}`;
    }
  }
  return undefined;
}
