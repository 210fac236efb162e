// The running service's parts, wired once: database, connectors registry, shared rate gate, queue driver, sync dependencies, logger.
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { webhookSecretFor } from './connectors/clients.js';
import { createRateGate, memoryBackend, redisBackend, type RateGate } from './connectors/rate-gate.js';
import { ConnectorRegistry, type SimulatorLoaders } from './connectors/registry.js';
import type { Connector } from './connectors/types.js';
import { createLogger, type Logger } from './log.js';
import { createBullQueue, createMemoryQueue, type QueueDriver } from './queue/index.js';
import { openRuntime, type Runtime } from './runtime.js';
import { poolSizeFor } from './store/db.js';
import type { SyncDeps } from './sync/engine.js';
import { createSyncDeps } from './sync/deps.js';
import type { OpenTask } from './model/task.js';
import { NO_ADDED_RATES, type AddedRates } from './rules/rate-tables.js';
import { taskOpener } from './worklist/open.js';

export interface Service {
  config: Config;
  runtime: Runtime;
  registry: ConnectorRegistry;
  gate: RateGate;
  queue: QueueDriver;
  sync: SyncDeps;
  log: Logger;
  /** Provider requests and 429s since start, for /metrics and sync summaries. */
  requests: { total: number; throttled: number; byProvider: Record<string, { total: number; throttled: number }> };
  /**
   * Asks the worklist for a person's task (src/model/task.ts). Until the worklist is wired here, requests are logged
   * so nothing asked for is silent.
   */
  openTask: OpenTask;
  /** The operator's RATES_FILE, parsed once at start (src/rules/rate-overrides.ts): every penalty the service computes reads it. */
  addedRates: AddedRates;
  close(): Promise<void>;
}

/** `poolSize`: the database pool (default: sized to run WORK_CONCURRENCY jobs; `serve`, which runs none, asks for less). */
export async function openService(config: Config, connectors: readonly Connector[], options: { log?: Logger; say?: (line: string) => void; simulators?: SimulatorLoaders; addedRates?: AddedRates; poolSize?: number } = {}): Promise<Service> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const runtime = await openRuntime(config, { log: options.say ?? ((line) => log.info(line)), poolSize: options.poolSize ?? poolSizeFor(config.WORK_CONCURRENCY) });
  const registry = new ConnectorRegistry(connectors, options.simulators);
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false }) : null;
  if (redis) logRedisOutages(redis, log);
  const gate = createRateGate(redis ? redisBackend(redis) : memoryBackend());
  const queue = config.REDIS_URL ? createBullQueue(config.REDIS_URL, { lockMs: config.QUEUE_LOCK_MS }) : createMemoryQueue();
  const requests: Service['requests'] = { total: 0, throttled: 0, byProvider: {} };
  const sync = createSyncDeps({
    sql: runtime.sql,
    secretKey: runtime.secretKey,
    registry,
    gate,
    config,
    onRequest(r) {
      const p = (requests.byProvider[r.provider] ??= { total: 0, throttled: 0 });
      requests.total++;
      p.total++;
      if (r.status === 429) {
        requests.throttled++;
        p.throttled++;
      }
    },
  });
  return {
    config,
    runtime,
    registry,
    gate,
    queue,
    sync,
    log,
    requests,
    addedRates: options.addedRates ?? NO_ADDED_RATES,
    // Replies and bounces (inbound mail) and the pages' own requests go to the worklist; an urgent task is logged as a
    // warning (the action executor sends its urgent ones as alerts by email and webhook too).
    openTask: taskOpener(runtime.sql, { alert: async (a) => log.warn({ tenantId: a.tenantId, task: a.kind, key: a.key }, a.message) }),
    async close() {
      await queue.close();
      await gate.close();
      redis?.disconnect();
      await runtime.close();
    },
  };
}

export { webhookSecretFor };

/**
 * ioredis reconnects by itself while Redis is away, and without a listener prints a stack trace ("Unhandled error
 * event") at every attempt. One warning when Redis goes, saying what waits, and one line when it is back.
 */
export function logRedisOutages(redis: Redis, log: Pick<Logger, 'warn' | 'info'>): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: err.message }, 'Redis is unreachable: queued jobs and the providers\' rate gate wait for it (reconnecting)');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('Redis is reachable again');
  });
}
