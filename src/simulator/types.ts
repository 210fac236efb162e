// The one contract every provider simulator meets, for the demo host, `relance simulate`, the tests and the benchmarks alike.
import type { RequestHandler } from 'msw';
import type { FaultControls } from './faults.js';
import type { RequestStats } from './stats.js';
import type { RequestLog } from './request-log.js';

/** Options every simulator understands: which seeded company to build, and how big. */
export interface SeedOptions {
  seed?: number;
  customers?: number;
  invoices?: number;
  /** At most this many customer payments (default: as the seeded customers' habits make them). */
  payments?: number;
  creditNotes?: number;
  /** The simulator's clock (default: the wall clock). */
  clock?: () => Date;
}

/** What every simulator is built from: the seeded company, its OAuth app, the webhook secret, quotas and hosts. */
export interface SimulatorOptions<Limits, BaseUrls> extends SeedOptions {
  clientId?: string;
  clientSecret?: string;
  /** The secret that signs webhook deliveries (verifier token, signing key). */
  webhookSecret?: string;
  /** Quotas and lifetimes, over the provider's documented ones. */
  limits?: Partial<Limits>;
  /** Where each host lives, over the provider's own. */
  baseUrls?: Partial<BaseUrls>;
}

type Json = Record<string, unknown>;

/** The provider's records in its own shapes and names, for tests and demos that act as a user of the ERP would. */
export interface SimulatorData {
  /** Records in id or creation order, rendered as the API would. */
  list(entity: string): Json[];
  get(entity: string, id: string): Json | undefined;
  count(entity: string): number;
  /** Creates from a body in the provider's shape, as its POST/PUT would. */
  create(entity: string, body: Json): Json;
  /** A patch with the provider's field names; the record's version and update time move on. */
  update(entity: string, id: string, patch: Json): Json;
  /** What deleting means at this provider (a hard delete, a DELETED or ARCHIVED status, an inactive customer). */
  remove(entity: string, id: string): void;
  void(entity: string, id: string): Json;
}

/** A provider's company as its API serves it: handlers for msw or a real server, OAuth, faults, quotas, state. */
export interface ProviderSimulator {
  readonly provider: string;
  /** msw handlers answering on `baseUrls`. */
  handlers: RequestHandler[];
  /** Where each part of the provider lives (api, authorize, token, revoke…), as a connector's OAuth config wants them. */
  baseUrls: Record<string, string>;
  /** The company's id at the provider (a realm id, a tenant id…). */
  externalTenantId: string;
  clientId: string;
  clientSecret: string;
  /** The secret that signs webhook deliveries (verifier token, signing key), or null where the provider has none. */
  webhookSecret: string | null;
  /** Lifts every request quota (per second, minute, day, concurrency, app-wide): for benchmarks of the client alone. */
  liftQuotas(): void;
  /** The kit's faults (failures, throttles, timeouts, resets, spoiled bodies, page and token faults, seeded draws). */
  faults: FaultControls & {
    /** The record serves a body that does not match the provider's schema. */
    corrupt(entity: string, id: string): void;
  };
  data: SimulatorData;
  oauth: {
    /** What the provider's consent page does when the user clicks Connect: the redirect URL with the code. */
    authorize(params: { redirectUri: string; state: string; scope?: string }): string;
    expireAccessTokens(): void;
    revokeAll(): void;
  };
  stats: RequestStats;
  /** The whole state as JSON (company data and OAuth grants), and back: a demo company survives restarts. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
  /** What a user of the provider does, in the normalized vocabulary: shared scenarios need no provider knowledge. */
  scenario: ProviderScenario;
}

/** The normalized entities, as the sync stores them. */
export type ScenarioEntity = 'customer' | 'invoice' | 'credit_note' | 'payment';

/**
 * What deleting a record does at the provider: `removed`, gone from every read (only change feeds and webhooks
 * still name it, as QuickBooks does with transactions); `status`, still listed with a deleted status (Xero's
 * deleted drafts and payments); `archived`, still listed and made inactive (customers everywhere).
 */
export type DeleteEffect = 'removed' | 'status' | 'archived';

/** An invoice as the provider sees it now, amounts as decimal strings. */
export interface ScenarioInvoice {
  customerId: string;
  total: string;
  amountDue: string;
  dueDate: string | null;
  voided: boolean;
}

/** A signed webhook delivery, as the provider would POST it. */
export interface WebhookDelivery {
  body: string;
  headers: Record<string, string>;
}

/** The quotas the simulator enforces per company, as documented by the provider. */
export interface ScenarioQuota {
  perSecond?: number;
  perMinute: number;
  concurrent: number;
}

export interface ProviderScenario {
  /** Ids of the records a full sync must end with (the receivable side only: Xero's bills are not there), in the provider's order. */
  receivables(entity: ScenarioEntity): string[];
  /** Invoices with an amount due and nothing paid or credited yet, in the provider's order. */
  openInvoices(): string[];
  invoice(id: string): ScenarioInvoice | null;
  /** One line, no tax on top where the provider allows it: `total` (a decimal string) is what the customer owes. Returns the id. */
  createInvoice(input: { customerId: string; total: string; dueDate?: string }): string;
  updateInvoice(id: string, patch: { dueDate?: string }): void;
  voidInvoice(id: string): void;
  /** A payment of `amount` (a decimal string) applied to the invoice; returns the payment's id. */
  pay(invoiceId: string, amount: string): string;
  /** What a user's delete does here, per entity; null where the provider lets nobody delete one. */
  readonly deletes: Readonly<Record<ScenarioEntity, DeleteEffect | null>>;
  /** A new record the provider lets a user delete later (a customer without documents, a draft where only drafts go). */
  deletable(entity: ScenarioEntity): string;
  /** Deletes as a user would; throws where the provider would refuse (see `deletable`). */
  delete(entity: ScenarioEntity, id: string): void;
  /** The record serves a body that does not match the provider's schema. */
  corrupt(entity: ScenarioEntity, id: string): void;
  /** A signed delivery of the changes since the last call (the first call drains what seeding left), or null when nothing changed. Absent when the provider has no webhooks. */
  pendingWebhook?(): WebhookDelivery | null;
  /**
   * Just before the next write through the API, a user edits this invoice in a field write-back does not own;
   * `kept()` says whether that edit is still there.
   */
  editConcurrently(invoiceId: string): { kept(): boolean };
  /** True when a write based on a stale read is refused (QuickBooks' SyncToken); false when the last write wins. */
  readonly versionedWrites: boolean;
  /** Where the provider shows the collections status written back on an invoice (a note, a history), as text. */
  writtenStatus(invoiceId: string): string;
  /** After this many more API requests the access tokens expire: the next request is the first refused as expired. */
  expireTokensAfter(requests: number): void;
  quota(): ScenarioQuota;
  /**
   * Where a read can change the provider's records (a single invoice read that marks it as sent, unless told not to):
   * what no read may change, as JSON. The contract suite reads, re-reads and writes back, and compares. Absent where
   * reads change nothing.
   */
  untouchedByReads?(): unknown;
}

export interface ServedSimulator<S extends ProviderSimulator = ProviderSimulator> {
  url: string;
  simulator: S;
  close(): Promise<void>;
}

/** A simulator made by its factory: it keeps the requests it received. */
export type Logged = { requestLog: RequestLog };

/** What a provider's `simulator/index.ts` exports as `simulator`. */
export interface SimulatorFactory<S extends ProviderSimulator = ProviderSimulator, O extends SeedOptions = SeedOptions> {
  readonly provider: string;
  /** In process, behind msw. */
  create(options?: O): S & Logged;
  /** As a real HTTP server on loopback: every host of the provider under one origin, each at its own path. */
  serve(options?: O & { port?: number; host?: string }): Promise<ServedSimulator<S & Logged>>;
  /** The company the contract suite builds, per scenario, where its default would not fit the provider's quota in time. */
  readonly contractSizes?: ContractSizes;
}

/** Company sizes over the contract suite's defaults; each value says beside it why the provider needs it. */
export interface ContractSizes {
  /** Resume after SIGKILL: big enough that a kill lands mid-sync, small enough that a run at the documented quota ends in time. */
  resume?: Pick<SeedOptions, 'customers' | 'invoices' | 'payments' | 'creditNotes'>;
}
