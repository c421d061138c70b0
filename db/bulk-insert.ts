import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

// Batch writes on the ingestion path send their rows as one parameter per column: an array expanded
// by unnest, or a JSON array of documents for a jsonb column. A multi-row VALUES list took a bind
// parameter per cell: 500 events were 5,000 parameters for Kysely to compile, pg to serialize one by
// one and PostgreSQL to parse and type. One JSON document of rows (jsonb_to_recordset) repeated every
// column name in every row and had the server build a jsonb tree before reading a field: the 900
// ledger lines of a batch were 190 KB and 4.1 ms of parsing that are 100 KB and 2.0 ms as column
// arrays (docs/BENCHMARKS.md, 2026-12-04). Updates that join their rows to a table are the exception
// (`joinableRows`).

type Trx = Transaction<Database>;

export type ColumnType = 'text' | 'uuid' | 'bigint' | 'integer' | 'float8' | 'timestamptz' | 'json' | 'jsonb';
/** A cell as sent: timestamps as ISO 8601 text; a json or jsonb cell is the document itself. */
type Cell = string | number | null;
type RowOf<Row> = { [K in keyof Row]: Cell | object };

// JSON.stringify writes a lone UTF-16 surrogate as an escape (\ud800) that PostgreSQL refuses, failing
// the whole batch; in a text cell the same string is encoded with U+FFFD in its place (pg writes UTF-8),
// so it becomes U+FFFD in a document too. An even run of backslashes before it is escaped backslashes.
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/gi;

/** JSON text PostgreSQL accepts. */
function jsonText(value: unknown): string {
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
 * The rows as a row source for `insert ... select`, one parameter per column in the order `types`
 * lists them: a typed array expanded by unnest, or for a json or jsonb column one JSON array of its
 * documents (written by one JSON.stringify, parsed once), zipped by ROWS FROM.
 */
export function unnestRows<Row extends RowOf<Row>>(alias: string, rows: readonly Row[], types: { readonly [K in keyof Row]: ColumnType }) {
  const names = Object.keys(types) as (keyof Row & string)[];
  const sources = names.map((name) => {
    const type = types[name];
    if (type === 'json' || type === 'jsonb') return sql`${sql.raw(type)}_array_elements(${jsonText(rows.map((row) => row[name]))}::${sql.raw(type)})`;
    return sql`unnest(${typedArray(rows.map((row) => row[name] as Cell), type)})`;
  });
  // A document that is null comes out as JSON null; as SQL NULL, a not-null column refuses it.
  const selected = names.map((name) => {
    const column = sql.ref(name);
    if (types[name] === 'jsonb') return sql`nullif(${column}, 'null') as ${column}`;
    if (types[name] === 'json') return sql`case when json_typeof(${column}) = 'null' then null else ${column} end as ${column}`;
    return column;
  });
  return sql`(select ${sql.join(selected)} from rows from (${sql.join(sources)}) as r(${sql.join(names.map((name) => sql.ref(name)))})) as ${sql.raw(alias)}`;
}

/**
 * The rows as `json_to_recordset(...) as alias(columns)`, for an `update ... from` that joins them
 * to a table by key. Not `unnestRows`: the planner knows an unnest of 500 ids yields 500 rows,
 * prices 500 index probes above a scan of a table of up to some 100,000 rows, and hashes the whole
 * table instead (7 ms for 20,000 contacts where the probes take 1.5 ms, growing with every contact);
 * it guesses any other set-returning function at 100 rows, and probes. As json rather than jsonb,
 * the rows are read straight from the text, without building a jsonb tree first (a quarter faster).
 */
export function joinableRows<Row extends RowOf<Row>>(alias: string, rows: readonly Row[], types: { readonly [K in keyof Row]: ColumnType }) {
  const names = Object.keys(types) as (keyof Row & string)[];
  const record = names.map((name) => sql`${sql.ref(name)} ${sql.raw(types[name])}`);
  return sql`json_to_recordset(${jsonText(rows)}::json) as ${sql.raw(alias)}(${sql.join(record)})`;
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

/**
 * Inserts events, each message id new, and records their message ids in the same statement (the
 * primary key of event_message_ids refuses a stored one: the partitioned events table cannot hold a
 * unique key on message ids alone, migration 0019); returns their ids.
 */
export async function insertEventRows(trx: Trx, rows: readonly EventRow[]): Promise<{ id: number; message_id: string }[]> {
  if (rows.length === 0) return [];
  const result = await sql<{ id: number; message_id: string }>`
    with stored as (
      insert into events (message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context)
      select message_id, contact_id, type, user_id, anonymous_id, occurred_at, received_at, properties, traits, context
      from ${unnestRows('r', rows, {
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
      returning id, message_id, contact_id, received_at),
    remembered as (insert into event_message_ids (message_id, contact_id, received_at) select message_id, contact_id, received_at from stored)
    select id, message_id from stored`.execute(trx);
  return result.rows;
}
