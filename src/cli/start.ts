// `relance start | serve | work`: the HTTP server, the workers, or both, on one database; stopped cleanly by SIGINT/SIGTERM.
import { serve } from '@hono/node-server';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import { dateInZone } from '../model/index.js';
import { createMetrics } from '../http/metrics.js';
import { adminCredentials } from '../admin.js';
import type { Handlers } from '../queue/driver.js';
import { openService, type Service } from '../service.js';
import { webhookSecretFor } from '../connectors/clients.js';
import { hostDemosFor } from '../demo/host.js';
import { listActiveConnections } from '../store/tenants.js';
import type { CommandContext } from './commands.js';

export type Role = 'all' | 'serve' | 'work';

/** What workers/ provides; handed in by bin/relance.mjs so src/ does not import the composition. */
export interface WorkerModule {
  createProcessors(service: Service): Handlers;
  installSchedules(service: Service): Promise<number>;
}

function listen(config: Config, service: Service) {
  const app = createApp({
    sql: service.runtime.sql,
    databaseLabel: service.runtime.databaseLabel,
    today: () => dateInZone(new Date(), config.DEFAULT_TIME_ZONE),
    metrics: createMetrics(service),
    board: { queues: service.queue.boardQueues(), admin: adminCredentials(config) },
    ui: {
      sql: service.runtime.sql,
      secretKey: service.runtime.secretKey,
      config,
      registry: service.registry,
      admin: adminCredentials(config),
      // `serve` alone hands syncs to the workers; `start` has them in-process either way.
      enqueueSync: (tenantId, connectionId) => service.queue.enqueue('sync', { tenantId, connectionId, full: false }, { jobId: `sync:${connectionId}` }),
      wakeActions: (tenantId) => service.queue.enqueue('actions', { tenantId }, { jobId: `actions:${tenantId}` }),
    },
    webhooks: {
      sql: service.runtime.sql,
      registry: service.registry,
      secretFor: (provider, connection) => webhookSecretFor(config, provider, connection),
      wake: (tenantId, provider) => service.queue.enqueue('webhook', { tenantId, provider }, { jobId: `webhook:${tenantId}:${provider}` }),
      log: (entry) => service.log.info(entry),
    },
  });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  return new Promise<typeof server>((resolve, reject) => {
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.PORT} is already in use: set PORT to a free port`) : err));
  });
}

export async function runService(role: Role, ctx: CommandContext): Promise<number> {
  const config = ctx.config!;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const service = await openService(config, ctx.connectors, { say, simulators: ctx.simulators });
  let server: Awaited<ReturnType<typeof listen>> | null = null;
  let closeDemos: () => Promise<void> = async () => undefined;
  try {
    // Demo companies are served by whichever process needs them; the service hosts them while it runs.
    if (role !== 'serve') closeDemos = await hostDemosFor(config.home, await listActiveConnections(service.runtime.sql), service.registry, say);
    if (role !== 'serve') {
      if (!ctx.workers) throw new Error('this build has no workers module');
      await service.queue.process(ctx.workers.createProcessors(service), { concurrency: 4 });
      const n = await ctx.workers.installSchedules(service);
      say(`Workers running (${service.queue.kind === 'bullmq' ? 'BullMQ on REDIS_URL' : 'in-process queue: set REDIS_URL to share work between processes'}); ${n} connection(s) scheduled.`);
    }
    if (role !== 'work') {
      server = await listen(config, service);
      say(`Relance listening on http://${config.HOST}:${config.PORT} (database: ${service.runtime.databaseLabel}). Press Ctrl-C to stop.`);
      const admin = adminCredentials(config);
      say(`Sign in at http://${config.HOST}:${config.PORT}/ as ${admin.email}${admin.file ? ` with the password in ${admin.file}` : ''}.`);
    }
  } catch (err) {
    await closeDemos();
    await service.close();
    throw err;
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`${signal} received: stopping…`);
      if (!server) return resolve();
      server.close(() => resolve());
      // Idle keep-alive sockets must not hold the shutdown open.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  // Running jobs finish (or are handed back) before the database closes.
  await service.close();
  await closeDemos();
  say('Stopped.');
  return 0;
}
