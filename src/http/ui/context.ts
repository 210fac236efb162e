// What every page handler has: the dependencies, the signed-in session, the current tenant and the language.
import type { Context } from 'hono';
import { allCompanies } from '../../app/account.js';
import type { AppDeps } from '../../app/deps.js';
import type { Session } from '../../store/auth.js';
import type { Sql } from '../../store/db.js';
import type { Tenant } from '../../store/tenants.js';
import type { Dict, Lang } from './i18n.js';
import type { Role } from '../../store/team.js';

/** The pages take the dependencies every use case shares (src/app/deps.ts). */
export type UiDeps = AppDeps;

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

export { nowOf } from '../../app/deps.js';

/** Companies this session may see: all of them for the admin, only its own for a marketplace install. */
export async function visibleTenants(c: UiContext, deps: UiDeps): Promise<Tenant[]> {
  if (c.get('session').locked) {
    const own = c.get('tenant');
    return own ? [own] : [];
  }
  return allCompanies(deps);
}
