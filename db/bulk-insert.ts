import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

// Batch writes on the ingestion path send their rows as one array parameter per column, expanded by
// unnest. A multi-row VALUES list took a bind parameter per cell: 500 events were 5,000 parameters
// for Kysely to compile, pg to serialize one by one and PostgreSQL to parse and type. One JSON
// document of rows (jsonb_to_recordset) repeated every column name in every row and had the server
// build a jsonb tree before reading a field: the 900 ledger lines of a batch were 190 KB and 4.1 ms
// of parsing that are 100 KB and 2.0 ms as column arrays (docs/BENCHMARKS.md, 2026-12-04).

type Trx = Transaction<Database>;

export type ColumnType = 'text' | 'uuid' | 'bigint' | 'integer' | 'float8' | 'timestamptz' | 'jsonb';
/** A cell as sent: timestamps as ISO 8601 text, jsonb as `jsonText`. */
type Cell = string | number | null;

// JSON.stringify writes a lone UTF-16 surrogate as an escape (\ud800) that PostgreSQL refuses, failing
// the whole batch; in a text cell the same string is encoded with U+FFFD in its place (pg writes UTF-8),
// so it becomes U+FFFD in a document too. An even run of backslashes before it is escaped backslashes.
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

/** A document for a jsonb cell. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify writes its escapes in lower case; the plain search is the cheap common case.
  return text.includes('\\ud') ? text.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd') : text;
}

// A JSON array of strings, numbers and nulls is PostgreSQL's array literal but for its brackets, so
// V8's native JSON writer builds it: both quote strings and put a backslash before `"` and `\`, and
// array input reads an unquoted null as NULL. Only an escape by letter (a control character, a lone
// surrogate) means something else to PostgreSQL; a column holding one is written element by element.
const LETTER_ESCAPE = /\\[bfnrtu]/;
const ARRAY_ELEMENT_ESCAPE = /["\\]/g;

function arrayLiteral(cells: readonly Cell[]): string {
  const json = JSON.stringify(cells);
  if (!LETTER_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  let literal = '{';
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (i > 0) literal += ',';
    if (cell === null) literal += 'NULL';
    else if (typeof cell === 'number') literal += String(cell);
    else literal += `"${cell.replace(ARRAY_ELEMENT_ESCAPE, '\\$&')}"`;
  }
  return `${literal}}`;
}

/**
 * `unnest(...) as alias(columns)` over the rows, one typed array per column, in the order `types`
 * lists them: a row source for `insert ... select` and `update ... from`.
 */
export function unnestRows<Row extends { [K in keyof Row]: Cell }>(alias: string, rows: readonly Row[], types: { readonly [K in keyof Row]: ColumnType }) {
  const names = Object.keys(types) as (keyof Row & string)[];
  const arrays = names.map((name) => typedArray(rows.map((row) => row[name]), types[name]));
  return sql`unnest(${sql.join(arrays)}) as ${sql.raw(alias)}(${sql.join(names.map((name) => sql.ref(name)))})`;
}

/**
 * The rows as `(select ... from jsonb_to_recordset(...)) as alias`, for an `update ... from` that joins
 * them to a table by key. Not `unnestRows`: the planner knows an unnest of 500 ids yields 500 rows,
 * prices 500 index probes above a scan of a table of up to some 100,000 rows, and hashes the whole
 * table instead (7 ms for 20,000 contacts where the probes take 1.5 ms, growing with every contact);
 * it guesses any other set-returning function at 100 rows, and probes.
 */
export function joinableRows<Row extends { [K in keyof Row]: Cell }>(alias: string, rows: readonly Row[], types: { readonly [K in keyof Row]: ColumnType }) {
  const names = Object.keys(types) as (keyof Row & string)[];
  // A jsonb cell is carried as its text and cast, so the document is parsed once, as the cell's own.
  const record = names.map((name) => sql`${sql.ref(name)} ${sql.raw(types[name] === 'jsonb' ? 'text' : types[name])}`);
  const selected = names.map((name) => (types[name] === 'jsonb' ? sql`${sql.ref(name)}::jsonb as ${sql.ref(name)}` : sql.ref(name)));
  return sql`(select ${sql.join(selected)} from jsonb_to_recordset(${jsonText(rows)}::jsonb) as r(${sql.join(record)})) as ${sql.raw(alias)}`;
}

/** The values as one array parameter of the type, e.g. ids for `unnest` or `= any(...)`. */
export function typedArray(cells: readonly Cell[], type: ColumnType) {
  return sql`${arrayLiteral(cells)}::${sql.raw(type)}[]`;
}

export interface EventRow {
  message_id: string;
  contact_id: string;
  type: string;
  user_id: string | null;
  anonymous_id: string | null;
  /** ISO 8601. */
  occurred_at: string;
  received_at: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** Inserts events, each message id new (the unique key refuses a stored one); returns their ids. */
export async function insertEventRows(trx: Trx, rows: readonly EventRow[]): Promise<{ id: number; message_id: string }[]> {
  if (rows.length === 0) return [];
  const cells = rows.map((row) => ({ ...row, properties: jsonText(row.properties), traits: jsonText(row.traits), context: jsonText(row.context) }));
  const result = await sql<{ id: number; message_id: string }>`
    insert into events (message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context)
    select message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context
    from ${unnestRows('r', cells, {
      message_id: 'text',
      contact_id: 'uuid',
      type: 'text',
      user_id: 'text',
      anonymous_id: 'text',
      occurred_at: 'timestamptz',
      received_at: 'timestamptz',
      properties: 'jsonb',
      traits: 'jsonb',
      context: 'jsonb',
    })}
    returning id, message_id`.execute(trx);
  return result.rows;
}
