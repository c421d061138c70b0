import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_scoring_identity_stages.js';
import * as m0003 from './0003_api_keys.js';
import * as m0004 from './0004_journey_runs.js';
import * as m0005 from './0005_journeys.js';
import * as m0006 from './0006_consent_tracking.js';
import * as m0007 from './0007_handoff.js';
import * as m0008 from './0008_newsletters.js';
import * as m0009 from './0009_ingestion_hot_updates.js';
import * as m0010 from './0010_erasures.js';
import * as m0011 from './0011_scoring_state_on_contacts.js';
import * as m0012 from './0012_lean_ingestion_rows.js';
import * as m0013 from './0013_identifiers_in_byte_order.js';
import * as m0014 from './0014_browser_sources.js';
import * as m0015 from './0015_accounts.js';
import * as m0016 from './0016_console_users.js';
import * as m0017 from './0017_coupon_campaigns.js';
import * as m0018 from './0018_email_templates.js';
import * as m0019 from './0019_event_partitions.js';
import * as m0020 from './0020_journey_cohorts.js';

// Listed by hand rather than read from the folder, so the migrations travel with the code in any
// bundle and their order is reviewed. Names sort in the order they run.
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_scoring_identity_stages': m0002,
  '0003_api_keys': m0003,
  '0004_journey_runs': m0004,
  '0005_journeys': m0005,
  '0006_consent_tracking': m0006,
  '0007_handoff': m0007,
  '0008_newsletters': m0008,
  '0009_ingestion_hot_updates': m0009,
  '0010_erasures': m0010,
  '0011_scoring_state_on_contacts': m0011,
  '0012_lean_ingestion_rows': m0012,
  '0013_identifiers_in_byte_order': m0013,
  '0014_browser_sources': m0014,
  '0015_accounts': m0015,
  '0016_console_users': m0016,
  '0017_coupon_campaigns': m0017,
  '0018_email_templates': m0018,
  '0019_event_partitions': m0019,
  '0020_journey_cohorts': m0020,
};
