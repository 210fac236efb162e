// Opens the database the configuration asks for (embedded by default), migrates it, and closes it cleanly.
import { join } from 'node:path';
import type { Config } from './config.js';
import { connect, type Sql } from './store/db.js';
import { startEmbeddedPostgres } from './store/embedded.js';
import { migrate } from './store/migrate.js';
import { loadSecretKey } from './store/secrets.js';

export interface Runtime {
  sql: Sql;
  secretKey: Buffer;
  /** "embedded (…/pgdata)" or the DATABASE_URL host, for start-up messages; never the password. */
  databaseLabel: string;
  close(): Promise<void>;
}

/** `poolSize`: the database pool's size (src/store/db.ts; a process that runs jobs needs more, see poolSizeFor). */
export async function openRuntime(config: Config, opts: { migrate?: boolean; log?: (line: string) => void; poolSize?: number } = {}): Promise<Runtime> {
  const log = opts.log ?? (() => {});
  let url = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let databaseLabel: string;
  if (url) {
    const u = new URL(url);
    databaseLabel = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } else {
    const dataDir = join(config.home, 'pgdata');
    log(`Starting embedded PostgreSQL (data in ${dataDir}, port ${config.EMBEDDED_PG_PORT})…`);
    const embedded = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_PG_PORT, log });
    url = embedded.url;
    stopEmbedded = embedded.stop;
    databaseLabel = `embedded (${dataDir})`;
  }
  const sql = connect(url, opts.poolSize ? { max: opts.poolSize } : {});
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(sql);
      if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
    }
  } catch (err) {
    await sql.end({ timeout: 1 });
    await stopEmbedded?.();
    throw err;
  }
  const secretKey = loadSecretKey(config.RELANCE_SECRET_KEY || undefined, join(config.home, 'secret.key'));
  return {
    sql,
    secretKey,
    databaseLabel,
    async close() {
      await sql.end({ timeout: 5 });
      await stopEmbedded?.();
    },
  };
}
