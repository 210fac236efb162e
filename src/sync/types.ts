// What the sync engine is given and what it answers: its dependencies, the mapping step's outcome, the run's report.
import type { OAuthClientConfig, StreamName } from '../connectors/types.js';
import type { RequestRecord } from '../connectors/http.js';
import type { RateGate } from '../connectors/rate-gate.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { EntityKind } from '../model/index.js';
import type { Sql } from '../store/db.js';
import type { Connection } from '../store/tenants.js';

/** What mapping one raw record produced. */
export type MapOutcome = { ok: true; value: unknown } | { ok: false; error: { path: string; reason: string } } | { ok: 'skipped'; reason: string };

/** Maps raw records of one entity for one tenant (the tenant's override, or the shipped mapping). */
/** Maps one raw record: at once when the mapping's fast path answers, else through a promise (JSONata). */
export type RecordMapper = (raw: unknown, context: Record<string, unknown>) => MapOutcome | Promise<MapOutcome>;
export type MapperResolver = (tenantId: string, provider: string, entity: EntityKind) => Promise<RecordMapper>;

export interface SyncDeps {
  sql: Sql;
  secretKey: Buffer;
  registry: ConnectorRegistry;
  gate: RateGate;
  clientConfig(provider: string, connection: Connection): OAuthClientConfig;
  mappers: MapperResolver;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  onRequest?: (record: RequestRecord) => void;
}

export interface StreamReport {
  stream: StreamName;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  quarantined: number;
  skipped: number;
  /** What the connector said the operator should know (a full re-scan forced by an expired change feed…). */
  notices?: string[];
}

export interface SyncProgress {
  stream: StreamName;
  pages: number;
  records: number;
}

export interface SyncReport {
  connectionId: string;
  provider: string;
  /** `paused`: the provider's daily quota is spent; the connection says until when, and nothing was retried. */
  /** `needs_reconnect`: the provider refused the credentials; nothing more is tried until the company is connected again. */
  status: 'ok' | 'failed' | 'busy' | 'paused' | 'needs_reconnect';
  error: string | null;
  startedAt: string;
  durationMs: number;
  requests: number;
  throttled: number;
  streams: StreamReport[];
}

export interface SyncOptions {
  streams?: readonly StreamName[];
  /** Ignore cursors and read everything again. */
  full?: boolean;
  onProgress?: (progress: SyncProgress) => void;
}
