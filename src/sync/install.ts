// Once a company is connected: the connector's one-time write-back set-up (its own analytic group…), when it has one.
import { openProvider, type SyncDeps } from './engine.js';

/**
 * Runs `writeback.install`. Returns null when done (or nothing to do), else why it failed: a failure never undoes the
 * connection, since write-back sets itself up at its first write too.
 */
export async function installWriteback(deps: SyncDeps, tenantId: string, connectionId: string): Promise<string | null> {
  try {
    const { connector, context } = await openProvider(deps, tenantId, connectionId);
    if (connector.writeback?.install) await connector.writeback.install(context);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
