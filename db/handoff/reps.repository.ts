import { sql, type Transaction } from 'kysely';
import { OPEN_STATUSES, RoutingRules } from '../../domain/handoff/index.js';
import type { Db } from '../connection.js';
import type { Database } from '../database.js';

type Trx = Transaction<Database>;

// ---------------------------------------------------------------------------------------------
// Reps and routing rules

export interface SalesRep {
  email: string;
  name: string;
  managerEmail: string | null;
  territories: string[];
  capacity: number;
  available: boolean;
}

export async function upsertRep(db: Db, rep: SalesRep): Promise<void> {
  const values = {
    email: rep.email.toLowerCase(),
    name: rep.name,
    manager_email: rep.managerEmail?.toLowerCase() ?? null,
    territories: JSON.stringify(rep.territories),
    capacity: rep.capacity,
    available: rep.available,
    updated_at: new Date(),
  };
  await db
    .insertInto('sales_reps')
    .values(values)
    .onConflict((oc) => oc.column('email').doUpdateSet({ ...values, email: undefined }))
    .execute();
}

export async function listReps(db: Db | Trx): Promise<(SalesRep & { openLeads: number })[]> {
  const rows = await db
    .selectFrom('sales_reps')
    .select((eb) => [
      'email',
      'name',
      'manager_email',
      'territories',
      'capacity',
      'available',
      eb
        .selectFrom('handoffs')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('handoffs.owner', '=', 'sales_reps.email')
        .where('handoffs.status', 'in', OPEN_STATUSES)
        .as('open_leads'),
    ])
    .orderBy('email')
    .execute();
  return rows.map((row) => ({
    email: row.email,
    name: row.name,
    managerEmail: row.manager_email,
    territories: row.territories,
    capacity: row.capacity,
    available: row.available,
    openLeads: row.open_leads ?? 0,
  }));
}

export async function saveRoutingRules(db: Db, rules: RoutingRules): Promise<number> {
  const row = await db.insertInto('routing_rules').values({ document: JSON.stringify(rules) }).returning('version').executeTakeFirstOrThrow();
  return row.version;
}

export async function activeRoutingRules(db: Db | Trx): Promise<{ version: number; rules: RoutingRules } | undefined> {
  const row = await db.selectFrom('routing_rules').select(['version', 'document']).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : { version: row.version, rules: RoutingRules.parse(row.document) };
}
