import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './database.js';

export type TemplateKind = 'email' | 'partial';

/** An e-mail template or partial: its draft, and which of its versions the send path uses. */
export interface TemplateTable {
  name: string;
  kind: TemplateKind;
  /** A file of templates/, mirrored at start-up as read-only version 1. */
  built_in: Generated<boolean>;
  draft: string;
  /** Null until the first publication: such a template cannot be sent. */
  published_version: number | null;
  archived_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A published version: frozen, so an e-mail's row that names it can be rendered again. */
export interface TemplateVersionTable {
  template: string;
  version: number;
  source: string;
  published_at: ColumnType<Date, Date | string | undefined, never>;
  published_by: string;
}
