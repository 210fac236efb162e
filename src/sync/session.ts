// Session wiring: one connection's connector, paced and authenticated HTTP, request counters and mapping context.
import type { Connector, ProviderHttp, ReadContext } from '../connectors/types.js';
import { createProviderHttp } from '../connectors/http.js';
import { createTokenSource } from '../connectors/tokens.js';
import { getConnection, type Connection } from '../store/tenants.js';
import { PageSlots } from './page-slots.js';
import type { SyncDeps } from './types.js';

/** Everything a stream read needs for one connection, built once per run. */
export interface Session {
  connection: Connection;
  connector: Connector;
  http: ProviderHttp;
  /** What every mapping of this connection is given (the provider, the company's home currency…). */
  context: Record<string, unknown>;
  counters: { requests: number; throttled: number };
  now: () => Date;
  /** The pages this run holds at once, read and not yet committed, across all its streams (see PAGES_HELD). */
  pages: PageSlots;
}

/**
 * Pages one sync run holds at once, read and not yet committed, all its streams together. A 1,000-record QuickBooks
 * invoice page weighs about 2 MB as received and 3 MB more parsed; what a run holds is what bounds its live memory.
 * Bench `sync-1m --quick` (104k records, no quota, 2 shared cores): 6 peaked at 348 MB RSS, 4 at 328 MB, 3 at 331 MB,
 * at the same pace (6.2-6.6k records/s); each stream still has one page committing and one being prepared.
 * 3 since QuickBooks scans read ahead within the slots (7 December 2026, quiet cores, back to back): the full
 * `sync-1m` peaked at 298-301 MB with 4 and 283-285 MB with 3, at the same 10.5-10.7k records/s, and the `sync` case
 * kept 96-97 % of the 450/min pacing with 3 (98 % with 4).
 */
export const PAGES_HELD = 3;

/** What a connector's reads and writes are given, without a cursor (re-reads, write-back). */
export type ProviderContext = Omit<ReadContext, 'cursor' | 'full'>;

export async function openSession(deps: SyncDeps, tenantId: string, connectionId: string): Promise<Session> {
  const connection = await getConnection(deps.sql, tenantId, connectionId);
  if (!connection) {
    throw new Error(`Connection ${connectionId} does not exist for this tenant. Use the connection id that "relance connect <provider> --demo" printed, or connect the company from the Connections page.`);
  }
  if (!connection.externalTenantId) throw new Error(`Connection ${connectionId} has no company yet: finish connecting it from the Connections page.`);
  const connector = deps.registry.get(connection.provider);
  const client = deps.clientConfig(connection.provider, connection);
  const counters = { requests: 0, throttled: 0 };
  const http = createProviderHttp({
    connector,
    client,
    externalTenantId: connection.externalTenantId,
    tokens: createTokenSource({ sql: deps.sql, secretKey: deps.secretKey, connector, client, tenantId, connectionId }),
    gate: deps.gate,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    onRequest(record) {
      counters.requests++;
      if (record.status === 429) counters.throttled++;
      deps.onRequest?.(record);
    },
  });
  const now = deps.now ?? (() => new Date());
  const session: Session = { connection, connector, http, context: {}, counters, now, pages: new PageSlots(PAGES_HELD) };
  session.context = { provider: connection.provider, ...((await connector.mappingContext?.(providerContext(session))) ?? {}) };
  return session;
}

/** The connector's view of the session: its HTTP, the company and the clock. */
export function providerContext(session: Pick<Session, 'connection' | 'http' | 'now'>): ProviderContext {
  return { http: session.http, externalTenantId: session.connection.externalTenantId!, now: session.now };
}

/** An authenticated, paced provider context for one connection (write-back, freshness re-reads). */
export async function openProvider(deps: SyncDeps, tenantId: string, connectionId: string): Promise<{ connector: Connector; context: ProviderContext }> {
  const session = await openSession(deps, tenantId, connectionId);
  return { connector: session.connector, context: providerContext(session) };
}
