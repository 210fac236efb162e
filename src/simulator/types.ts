// The one contract every provider simulator meets, for the demo host, `relance simulate`, the tests and the benchmarks alike.
import type { RequestHandler } from 'msw';
import type { FaultControls } from './faults.js';
import type { RequestStats } from './stats.js';

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
}

export interface ServedSimulator<S extends ProviderSimulator = ProviderSimulator> {
  url: string;
  simulator: S;
  close(): Promise<void>;
}

/** What a provider's `simulator/index.ts` exports as `simulator`. */
export interface SimulatorFactory<S extends ProviderSimulator = ProviderSimulator, O extends SeedOptions = SeedOptions> {
  readonly provider: string;
  /** In process, behind msw. */
  create(options?: O): S;
  /** As a real HTTP server on loopback: every host of the provider under one origin, each at its own path. */
  serve(options?: O & { port?: number; host?: string }): Promise<ServedSimulator<S>>;
}
