// The sync engine's dependencies built from what every entry point has (service, pages, tests, benches): one recipe, not five.
import type { Config } from '../config.js';
import { clientConfigFor } from '../connectors/clients.js';
import type { RequestRecord } from '../connectors/http.js';
import type { RateGate } from '../connectors/rate-gate.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Sql } from '../store/db.js';
import type { SyncDeps } from './engine.js';
import { mapperResolver } from './mappers.js';

/** No registered provider apps: every connection brings its own (demo companies, simulators). */
export const NO_APPS: Pick<Config, 'apps' | 'PUBLIC_URL' | 'HOST' | 'PORT'> = { apps: {}, PUBLIC_URL: undefined, HOST: '127.0.0.1', PORT: 8787 };

export function createSyncDeps(o: {
  sql: Sql;
  secretKey: Buffer;
  registry: ConnectorRegistry;
  gate: RateGate;
  config?: Pick<Config, 'apps' | 'PUBLIC_URL' | 'HOST' | 'PORT'>;
  onRequest?: (record: RequestRecord) => void;
  sleep?: (ms: number) => Promise<void>;
}): SyncDeps {
  const config = o.config ?? NO_APPS;
  return {
    sql: o.sql,
    secretKey: o.secretKey,
    registry: o.registry,
    gate: o.gate,
    clientConfig: (provider, connection) => clientConfigFor(config, provider, connection),
    mappers: mapperResolver(o.sql),
    ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
  };
}
