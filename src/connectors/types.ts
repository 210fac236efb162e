// The contract every connectors/<provider>/ folder implements; src/ depends on these types only.
import type { EntityKind } from '../model/index.js';
import type { RecordPath } from '../json/source-text.js';

export const STREAMS = ['customers', 'invoices', 'credit_notes', 'payments'] as const;
export type StreamName = (typeof STREAMS)[number];

export const DEFAULT_SYNC_EVERY_MS = 15 * 60_000;

export const STREAM_ENTITY: Record<StreamName, EntityKind> = {
  customers: 'customer',
  invoices: 'invoice',
  credit_notes: 'credit_note',
  payments: 'payment',
};

/** OAuth tokens as stored (encrypted) for a connection. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO instant when the access token stops working. */
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt?: string | null;
  scope?: string | null;
}

/** App credentials and endpoints for one provider, from configuration (or a simulator). */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Overrides of the provider's documented endpoints (sandbox, simulator). */
  endpoints?: Partial<Record<'authorize' | 'token' | 'revoke' | 'api' | 'connections', string>>;
}

export interface ConnectorAuth {
  /** URL the user is sent to; `state` protects the callback against CSRF. */
  authorizeUrl(client: OAuthClientConfig, state: string): string;
  /**
   * Exchanges the callback's code; `callback` holds every query parameter (some providers name the company there).
   * `companyName` is the company's name at the provider when it could be read (it names a company created by an install).
   */
  exchangeCode(client: OAuthClientConfig, code: string, callback: Record<string, string>): Promise<{ tokens: OAuthTokens; externalTenantId: string; companyName?: string }>;
  /** Uses the refresh token; providers rotate it, so the result must be saved before it is used. */
  refresh(client: OAuthClientConfig, tokens: OAuthTokens): Promise<OAuthTokens>;
  /**
   * For providers where one consent reaches several companies (a user of several businesses): the companies, for the
   * user to pick one on the Connections page. `exchangeCode` has already chosen a default among them.
   */
  tenants?(client: OAuthClientConfig, tokens: OAuthTokens): Promise<{ id: string; name: string }[]>;
}

/** Declared quotas of the provider, per company (realm/tenant) unless said otherwise. */
export interface RateLimitSpec {
  /** Short-burst cap, for providers that declare one. */
  perSecond?: number;
  perMinute: number;
  /** App-wide ceiling across every company, for providers that declare one. */
  appPerMinute?: number;
  concurrent: number;
  perDay?: number;
  /** What to wait after a 429 when the provider gives no Retry-After. */
  defaultBackoffMs: number;
  /** Fraction of the quota we allow ourselves, leaving room for other traffic (webhook re-reads, users). */
  headroom?: number;
  /**
   * Response headers in which the provider counts the calls left in a window. The counts it sends outrank the declared
   * limits above, which are then defaults only (a company on a smaller plan has a smaller daily quota).
   */
  remainingHeaders?: Partial<Record<RemainingWindow, string>>;
}

/** The windows a provider may report calls left in. */
export type RemainingWindow = 'perDay' | 'perMinute' | 'appPerMinute';
export type RemainingCounts = Partial<Record<RemainingWindow, number>>;

/** What a stream read is given: where to resume and how to reach the provider. */
export interface ReadContext {
  http: ProviderHttp;
  externalTenantId: string;
  /** Cursor saved after the last committed page, or null for a first sync. */
  cursor: unknown;
  /** Ignore the cursor's incremental position and read everything (deletions detected by absence are not inferred). */
  full: boolean;
  /** The time now (injected so tests and simulators agree on the clock). */
  now(): Date;
  /**
   * The run's page slots, for a stream that requests pages ahead of the engine (`StreamSpec.readsAhead`, see
   * read-ahead.ts). Absent outside a sync run (re-reads, a stream read by hand): such a stream then asks one page at a time.
   */
  pages?: PageSlotPool;
}

/** Gives a page slot back; calling it again does nothing. */
export type SlotRelease = () => void;

/** The page slots one sync run shares between its streams (src/sync/page-slots.ts): a page read and not yet committed holds one. */
export interface PageSlotPool {
  /** Resolves with a slot once one is free, first come first served; rejects if `signal` aborts first (no slot is then taken). */
  acquire(signal?: AbortSignal): Promise<SlotRelease>;
}

/** One page of a stream: raw records, ids deleted at the source, and the cursor to save once applied. */
export interface StreamPage {
  records: unknown[];
  deleted: string[];
  cursor: unknown;
  /** Something the operator should read in the sync summary (e.g. an expired change feed forced a full re-scan). */
  notice?: string;
  /** The page slot this page has held since it was requested, on a stream that reads ahead; the engine gives it back once the page is committed. */
  slot?: SlotRelease;
}

export interface StreamSpec {
  entity: EntityKind;
  /** Pages from the cursor on; the engine saves `cursor` after each page is stored. */
  read(ctx: ReadContext): AsyncIterable<StreamPage>;
  /**
   * The stream requests pages ahead itself, each holding one of the run's page slots (`ReadContext.pages`) from its
   * request on, and hands each page out with its slot: the engine then reads nothing ahead of it. Without this flag
   * the engine reads one page ahead of each stream, within the same slots.
   */
  readsAhead?: boolean;
  /** Raw records by id, for targeted re-reads (webhooks, freshness checks). Missing ids are deleted ones. */
  fetchByIds(ctx: Omit<ReadContext, 'cursor' | 'full'>, ids: string[]): Promise<{ records: unknown[]; deleted: string[] }>;
  /** Id of a raw record, to quarantine it when mapping fails. */
  idOf(raw: unknown): string;
}

/** A change announced by a webhook: which record of which stream, to re-read. */
export interface ChangeEvent {
  externalTenantId: string;
  stream: StreamName;
  externalId: string;
  operation: 'create' | 'update' | 'delete' | 'void' | 'merge' | 'unknown';
  occurredAt: string | null;
  /** Stable id for deduplicating redeliveries. */
  dedupeKey: string;
}

export interface ConnectorWebhooks {
  /** Header carrying the signature. */
  signatureHeader: string;
  /** Verifies the raw body (constant-time comparison). */
  verify(rawBody: Uint8Array, headers: Headers, secret: string): boolean;
  /** Parses a verified body; throws WebhookPayloadError on malformed input. */
  parse(rawBody: Uint8Array, headers: Headers): ChangeEvent[];
}

/** The collections status written back to the ERP. */
export interface CollectionsStatus {
  /** Idempotency key of the action (one write per status change). */
  key: string;
  step: string;
  channel: string;
  date: string;
  summary: string;
  promisedPaymentDate?: string | null;
}

export interface WritebackResult {
  /** Provider-side id or version proving the write (new SyncToken, History id…). */
  proof: string;
  /** True when the status was already there (a retry after a crash): nothing written. */
  alreadyPresent: boolean;
}

export interface ConnectorWriteback {
  /**
   * Sets the company up for write-back once it is connected (an analytic category group of ours…). Idempotent: a
   * reconnect runs it again. Write-back must also work when it never ran (a company connected before, a failure).
   */
  install?(ctx: Omit<ReadContext, 'cursor' | 'full'>): Promise<void>;
  writeStatus(ctx: Omit<ReadContext, 'cursor' | 'full'>, invoiceExternalId: string, status: CollectionsStatus): Promise<WritebackResult>;
}

/** One ERP integration: everything src/ needs to know, declared in connectors/<provider>/index.ts. */
export interface Connector {
  provider: string;
  displayName: string;
  auth: ConnectorAuth;
  rateLimits: RateLimitSpec;
  /** Base URL for API calls given the client config (sandbox, simulator or production). */
  apiBaseUrl(client: OAuthClientConfig): string;
  /** Headers every API call carries (tenant header, Accept…). */
  defaultHeaders(externalTenantId: string): Record<string, string>;
  /** Turns a provider error response into a typed error (throttle, auth, stale version, validation…). */
  classifyError(status: number, body: unknown, headers: Headers): Error;
  streams: Record<StreamName, StreamSpec>;
  webhooks?: ConnectorWebhooks;
  writeback?: ConnectorWriteback;
  /** How often incremental syncs run when the provider has no webhook for everything (default 15 minutes). */
  syncEveryMs?: number;
  /**
   * Invoice documents the provider gives only one invoice at a time (so not during a sync): their customer-facing
   * addresses, read when a message names the invoices. An invoice that has none (a draft, a deleted one) is left out.
   */
  documentLinks?(ctx: Omit<ReadContext, 'cursor' | 'full'>, invoiceExternalIds: readonly string[]): Promise<Record<string, string>>;
  /**
   * The invoice's PDF as the provider renders it for the customer (its own layout, logo and legal mentions), for a
   * recovery file's evidence. null when the provider has none for it (a draft, a deleted invoice, one it cannot render).
   */
  invoicePdf?(ctx: Omit<ReadContext, 'cursor' | 'full'>, invoiceExternalId: string): Promise<Uint8Array | null>;
  /**
   * How long before its expiry an access token is refreshed (default 5 minutes). Providers whose access tokens live
   * only minutes need less, or every call would refresh.
   */
  refreshAheadMs?: number;
  /** Context for mappings (e.g. the company's home currency); read once per sync. */
  mappingContext?(ctx: Omit<ReadContext, 'cursor' | 'full'>): Promise<Record<string, unknown>>;
}

/** A minimal HTTP surface connectors use, already authenticated, rate limited and retried. */
export interface RequestOptions {
  params?: Record<string, string | number>;
  headers?: Record<string, string>;
  /**
   * Where the response's records are (keys, `*` for array elements): their text as received is kept for raw
   * payload storage instead of serialising them again (src/json/source-text.ts).
   */
  records?: RecordPath;
  /**
   * With `records` naming keys only: each record is left as its text (a RecordText), for the sync engine to parse
   * right before mapping it, one at a time (src/json/source-text.ts, parseDeferringRecords). Only for pages the
   * connector hands to the engine without reading their records.
   */
  deferRecords?: boolean;
  /**
   * A write that must not reach the provider twice (a POST with no idempotency key): no retry after a network error
   * or a 5xx, where it may have landed. The caller re-reads and decides. 429s and token refreshes still retry.
   */
  once?: boolean;
  /** The answer is a document (a PDF), not JSON: its bytes come back as they were sent. Error answers are still read as JSON. */
  binary?: boolean;
  /**
   * A public link the provider gave (an absolute URL on its API's own origin, e.g. a document's public file): sent
   * without credentials. Any other origin is refused, so a link in provider data cannot point the service elsewhere.
   */
  anonymous?: boolean;
}

export interface ProviderHttp {
  get<T = unknown>(path: string, options?: RequestOptions): Promise<{ data: T; headers: Headers; status: number }>;
  post<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<{ data: T; headers: Headers; status: number }>;
  put<T = unknown>(path: string, body: unknown, options?: RequestOptions): Promise<{ data: T; headers: Headers; status: number }>;
}
