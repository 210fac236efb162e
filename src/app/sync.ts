// Requesting a sync: handed to the workers when they run, else run now (the demo company hosted meanwhile), then today's actions planned.
import { runEvaluation } from '../collections/run.js';
import { hostDemosFor } from '../demo/host.js';
import type { Connection } from '../store/tenants.js';
import { syncConnection, type SyncDeps, type SyncReport } from '../sync/engine.js';
import { createSyncDeps } from '../sync/deps.js';
import { nowOf, type InlineSync } from './deps.js';

/** The sync engine's dependencies for a sync run in this process, paced by the caller's rate gate. */
export function inlineSyncDeps(deps: InlineSync): SyncDeps {
  return createSyncDeps({ sql: deps.sql, secretKey: deps.secretKey, registry: deps.registry, gate: deps.gate, config: deps.config });
}

/** Queues a sync for the workers, or (no queue) runs it now, demo company hosted meanwhile, then plans today's actions. */
export async function requestSync(deps: InlineSync, tenantId: string, connection: Connection): Promise<{ queued: true } | { queued: false; report: SyncReport }> {
  if (deps.enqueueSync) {
    await deps.enqueueSync(tenantId, connection.id);
    return { queued: true };
  }
  const closeDemos = await hostDemosFor(deps.config.home, [connection], deps.registry);
  try {
    const report = await syncConnection(inlineSyncDeps(deps), tenantId, connection.id);
    if (report.status === 'ok') await runEvaluation(deps.sql, tenantId, connection.id, nowOf(deps), deps.addedRates);
    return { queued: false, report };
  } finally {
    await closeDemos();
  }
}
