// `relance start | serve | work`: the HTTP server, the workers, or both, on one database; stopped cleanly by SIGINT/SIGTERM.
import type { Config } from '../config.js';
import { createSmtpTransport, smtpFromUrl } from '../actions/email.js';
import { dateInZone } from '../model/index.js';
import { adminCredentials } from '../admin.js';
import { openService, type Service } from '../service.js';
import { webhookSecretFor } from '../connectors/clients.js';
import { DemoHosts, defaultDemoPort } from '../demo/host.js';
import { listActiveConnections } from '../store/tenants.js';
import { ownDependencyDown } from '../dependency-errors.js';
import { DEFAULT_POOL_SIZE, poolSizeFor } from '../store/db.js';
import type { CommandContext } from './context.js';
import type { InboundSmtp } from '../inbound/smtp-listener.js';

export type Role = 'all' | 'serve' | 'work';

/** The team's own mail (invitations) through SMTP_URL, with the reminders' sender; null without a mail server. */
function teamMailer(config: Config): ((m: { to: string; subject: string; text: string; html: string }) => Promise<void>) | null {
  if (!config.SMTP_URL) return null;
  const from = config.SMTP_FROM ?? `Relance <relance@${new URL(config.SMTP_URL).hostname}>`;
  const transport = createSmtpTransport({ ...smtpFromUrl(config.SMTP_URL, from), pool: false });
  return async (m) => {
    await transport.sendMail({ from, ...m });
  };
}

/** How often the workers look for companies connected since they started (from the pages, the API, another process). */
const ADOPT_EVERY_MS = 10_000;

async function listen(config: Config, service: Service, adopt: () => Promise<void>) {
  // The HTTP side (pages, API, board, metrics) is loaded by the processes that serve it, not by `relance work`.
  const [{ serve }, { createApp }, { createMetrics }] = await Promise.all([import('@hono/node-server'), import('../http/app.js'), import('../http/metrics.js')]);
  const teamMail = teamMailer(config);
  const app = createApp({
    sql: service.runtime.sql,
    databaseLabel: service.runtime.databaseLabel,
    addedRates: service.addedRates,
    today: () => dateInZone(new Date(), config.DEFAULT_TIME_ZONE),
    metrics: createMetrics(service),
    board: { queues: service.queue.boardQueues(), admin: adminCredentials(config) },
    ui: {
      sql: service.runtime.sql,
      secretKey: service.runtime.secretKey,
      config,
      addedRates: service.addedRates,
      registry: service.registry,
      admin: adminCredentials(config),
      // `serve` alone hands syncs to the workers; `start` has them in-process either way.
      // A company connected a moment ago is adopted first (its demo served, its schedules set), then synced.
      enqueueSync: async (tenantId, connectionId) => {
        await adopt();
        await service.queue.enqueue('sync', { tenantId, connectionId, full: false }, { jobId: `sync:${connectionId}` });
      },
      demo: { ports: Object.fromEntries(service.registry.providers().map((p) => [p, defaultDemoPort(p, config.DEMO_PORTS_FROM)])) },
      wakeActions: (tenantId) => service.queue.enqueue('actions', { tenantId }, { jobId: `actions:${tenantId}` }),
      enqueueInsolvency: (tenantId) => service.queue.enqueue('insolvency', { tenantId, unchecked: true }, { jobId: `insolvency-new:${tenantId}` }),
      ...(teamMail ? { mail: teamMail } : {}),
      openTask: service.openTask,
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
  return new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.PORT} is already in use: set PORT to a free port`) : err));
  });
}

/**
 * A failure to start that a dependency still starting or restarting explains (PostgreSQL or Redis refusing or dropping
 * the connection, PostgreSQL not yet accepting them): worth waiting for rather than exiting, since a machine that boots
 * or a database that restarts brings them back in seconds.
 */
export function isStartingDependency(err: unknown): boolean {
  if (ownDependencyDown(err)) return true;
  // At start-up the only servers contacted are PostgreSQL and Redis: a refused or reset connection is one of them.
  const text = err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}` : String(err);
  return /ECONNREFUSED|ECONNRESET|not yet accepting connections|the database system is (starting up|shutting down|in recovery mode)/.test(text);
}

export async function runService(role: Role, ctx: CommandContext): Promise<number> {
  const config = ctx.config!;
  const deadline = Date.now() + config.STARTUP_WAIT_MS;
  for (;;) {
    try {
      return await runServiceOnce(role, ctx);
    } catch (err) {
      if (!isStartingDependency(err) || Date.now() >= deadline) throw err;
      process.stdout.write(`PostgreSQL or Redis is not reachable yet (${err instanceof Error ? err.message : String(err)}); trying again in 2 s (STARTUP_WAIT_MS sets how long)…\n`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function runServiceOnce(role: Role, ctx: CommandContext): Promise<number> {
  const config = ctx.config!;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // `start` and `work` run WORK_CONCURRENCY jobs, each sync holding a connection; `serve` runs none.
  const service = await openService(config, ctx.connectors, { say, simulators: ctx.simulators, addedRates: ctx.addedRates, poolSize: role === 'serve' ? DEFAULT_POOL_SIZE : poolSizeFor(config.WORK_CONCURRENCY) });
  let server: Awaited<ReturnType<typeof listen>> | null = null;
  let inbound: InboundSmtp | null = null;
  const demos = new DemoHosts(config.home, service.registry, say);
  const scheduled = new Set<string>();
  let adopting: Promise<void> = Promise.resolve();
  // Demo companies are served by whichever process needs them; the workers' process serves them while it runs, and
  // adopts companies connected since it started: their demo served, their syncs and evaluations scheduled.
  const adopt = (): Promise<void> => {
    if (role === 'serve' || !ctx.workers) return Promise.resolve();
    const workers = ctx.workers;
    adopting = adopting.catch(() => undefined).then(async () => {
      const connections = await listActiveConnections(service.runtime.sql);
      await demos.adopt(connections);
      const added = await workers.scheduleConnections(service, connections, scheduled);
      if (added) say(`${added} new connection(s) scheduled.`);
    });
    return adopting;
  };
  let timer: NodeJS.Timeout | null = null;
  // Listening for the stop signals before saying "running": a supervisor may signal as soon as it reads that line.
  let signalled!: (signal: string) => void;
  const stopSignal = new Promise<string>((resolve) => (signalled = resolve));
  const onSigint = () => signalled('SIGINT');
  const onSigterm = () => signalled('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  try {
    if (role !== 'serve') {
      if (!ctx.workers) throw new Error('this build has no workers module');
      await demos.adopt(await listActiveConnections(service.runtime.sql));
      await service.queue.process(ctx.workers.createProcessors(service), { concurrency: config.WORK_CONCURRENCY });
      const n = await ctx.workers.installSchedules(service, scheduled);
      say(`Workers running (${service.queue.kind === 'bullmq' ? 'BullMQ on REDIS_URL' : 'in-process queue: set REDIS_URL to share work between processes'}); ${n} connection(s) scheduled.`);
      timer = setInterval(() => void adopt().catch((err: unknown) => service.log.error({ err: String(err) }, 'adopting new connections failed')), ADOPT_EVERY_MS);
      timer.unref();
    }
    if (role !== 'work') {
      server = await listen(config, service, adopt);
      say(`Relance listening on http://${config.HOST}:${config.PORT} (database: ${service.runtime.databaseLabel}). Press Ctrl-C to stop.`);
      // Inbound mail is an ingress like the HTTP server: replies and bounces, stored before they are acknowledged.
      // Loaded only when configured: MIME parsing and IMAP are not a start-up cost for everyone.
      const { inboundDeps, startConfiguredListener } = config.INBOUND_SMTP_PORT !== undefined ? await import('../inbound/wiring.js') : { inboundDeps: null, startConfiguredListener: null };
      if (inboundDeps && startConfiguredListener) inbound = await startConfiguredListener(config, inboundDeps(service.runtime.sql, config, service.openTask, (e, m) => service.log.info(e, m)), (e, m) => service.log.warn(e, m));
      if (inbound) say(`Inbound mail: SMTP listener on ${config.INBOUND_SMTP_HOST ?? config.HOST}:${inbound.port}${config.INBOUND_SMTP_TLS_KEY ? ' (STARTTLS)' : ''}.`);
      const admin = adminCredentials(config);
      say(`Sign in at http://${config.HOST}:${config.PORT}/ as ${admin.email}${admin.file ? ` with the password in ${admin.file}` : ''}.`);
    }
  } catch (err) {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    if (timer) clearInterval(timer);
    await inbound?.close();
    await demos.close();
    await service.close();
    throw err;
  }

  say(`${await stopSignal} received: stopping…`);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  if (server) {
    const open = server;
    await new Promise<void>((resolve) => {
      open.close(() => resolve());
      // Idle keep-alive sockets must not hold the shutdown open.
      (open as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }
  // Running jobs finish (or are handed back) before the database closes.
  if (timer) clearInterval(timer);
  await inbound?.close();
  await adopting.catch(() => undefined);
  await service.close();
  await demos.close();
  say('Stopped.');
  return 0;
}
