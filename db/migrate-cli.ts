import { parseConfig, requireSetting } from '../domain/config.js';
import { createDb } from './connection.js';
import { migrateToLatest } from './migrate.js';

const config = parseConfig(process.env);
const db = createDb(requireSetting(config, 'DATABASE_URL', '`npm start` migrates its embedded database by itself'));
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length === 0 ? 'db:migrate: already up to date' : `db:migrate: applied ${applied.join(', ')}`);
} finally {
  await db.destroy();
}
