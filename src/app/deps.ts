// What every use case may need: the database, the secret key, configuration, connectors, and the hooks into the workers.
import type { Config } from '../config.js';
import type { RateGate } from '../connectors/rate-gate.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { OpenTask } from '../model/task.js';
import type { Sql } from '../store/db.js';
import type { AddedRates } from '../rules/rate-tables.js';

/** The dependencies the pages, the API and the use cases share (one object, built at start-up or by a test). */
export interface AppDeps {
  sql: Sql;
  secretKey: Buffer;
  config: Config;
  /** The operator's RATES_FILE, parsed once at start (src/rules/rate-overrides.ts); absent: none. */
  addedRates?: AddedRates;
  registry: ConnectorRegistry;
  admin: { email: string; password: string };
  /** Hands a sync to the workers; without it the Sync button runs the sync inline (embedded use, tests). */
  enqueueSync?(tenantId: string, connectionId: string): Promise<void>;
  /** Tells the workers to read the insolvency publisher for the tenant's numbers never read (a SIREN just confirmed). */
  enqueueInsolvency?(tenantId: string): Promise<void>;
  /** Tells the workers to look at the tenant's outbox now (sending just turned on); without it they find it at their next sweep. */
  wakeActions?(tenantId: string): Promise<void>;
  /** Demo companies: the port each provider's simulator is served on, and its size. */
  demo?: { ports?: Record<string, number>; invoices?: number; seed?: number };
  /** Asks the worklist for a task (a reply placed by hand from the unmatched list); absent: none is asked for. */
  openTask?: OpenTask;
  /** The clock (tests pin it). */
  now?: () => Date;
  /** Sends the team's own mail (invitations) through the service's SMTP transport; absent, the page shows the link to hand over. */
  mail?: (message: { to: string; subject: string; text: string; html: string }) => Promise<void>;
}

/** A use case that may sync inline also takes the provider rate gate those syncs share (one per process, made by its caller). */
export type InlineSync = AppDeps & { gate: RateGate };

export const nowOf = (deps: Pick<AppDeps, 'now'>): Date => (deps.now ? deps.now() : new Date());
