// `relance start`: database (embedded by default) + migrations + HTTP server, stopped cleanly by SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import { openRuntime } from '../runtime.js';

export async function runStart(config: Config): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const runtime = await openRuntime(config, { log });
  const app = createApp({ sql: runtime.sql, databaseLabel: runtime.databaseLabel });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.PORT} is already in use: set PORT to a free port`) : err),
    );
  }).catch(async (err) => {
    await runtime.close();
    throw err;
  });
  log(`Relance listening on http://${config.HOST}:${config.PORT} (database: ${runtime.databaseLabel}). Press Ctrl-C to stop.`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal} received: stopping…`);
      server.close(() => resolve());
      // Idle keep-alive sockets must not hold the shutdown open.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await runtime.close();
  log('Stopped.');
  return 0;
}
