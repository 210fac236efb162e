// What every page handler has: the dependencies, the signed-in session, the current tenant and the language.
import type { Context } from 'hono';
import { listTenants } from '../../store/auth.js';
import type { Config } from '../../config.js';
import type { ConnectorRegistry } from '../../connectors/registry.js';
import type { Session } from '../../store/auth.js';
import type { Sql } from '../../store/db.js';
import type { Tenant } from '../../store/tenants.js';
import type { OpenTask } from '../../model/task.js';
import type { Dict, Lang } from './i18n.js';
import type { Role } from '../../store/team.js';
import type { AddedRates } from '../../rules/rate-tables.js';

export interface UiDeps {
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

export type UiEnv = {
  Variables: {
    session: Session;
    tenant: Tenant | null;
    /** The signed-in person's role in the company (http/auth/roles.ts says what it may change). */
    role: Role;
    lang: Lang;
    t: Dict;
  };
};

export type UiContext = Context<UiEnv>;

/** The current tenant; the tenant guard guarantees it on every tenant page. */
export function tenantOf(c: UiContext): Tenant {
  const tenant = c.get('tenant');
  if (!tenant) throw new Error('no tenant selected');
  return tenant;
}

export const nowOf = (deps: UiDeps) => (deps.now ? deps.now() : new Date());

/** Companies this session may see: all of them for the admin, only its own for a marketplace install. */
export async function visibleTenants(c: UiContext, deps: UiDeps): Promise<Tenant[]> {
  if (c.get('session').locked) {
    const own = c.get('tenant');
    return own ? [own] : [];
  }
  return listTenants(deps.sql);
}
