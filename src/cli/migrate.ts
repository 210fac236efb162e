// `relance migrate`: applies pending migrations to the configured (or embedded) database.
import type { Config } from '../config.js';
import { openRuntime } from '../runtime.js';

export async function runMigrate(config: Config): Promise<number> {
  const runtime = await openRuntime(config, { migrate: false });
  try {
    const { migrate } = await import('../store/migrate.js');
    const applied = await migrate(runtime.sql);
    process.stdout.write(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'Database is up to date.\n');
    return 0;
  } finally {
    await runtime.close();
  }
}
