// API authentication: `Authorization: Bearer <token>`, a per-tenant token whose sha256 is looked up; the tenant comes from the token only.
import type { MiddlewareHandler } from 'hono';
import type { Sql } from '../../store/db.js';
import { verifyApiToken } from '../../store/auth.js';
import { getTenant, type Tenant } from '../../store/tenants.js';

export type BearerVariables = {
  tenant: Tenant;
  /** The token that authenticated the request: its name and prefix say who did what in the activity log. */
  apiToken: { id: string; name: string; prefix: string };
  /** What the token may change (http/auth/roles.ts), chosen when it was created. */
  apiRole: 'admin' | 'collector' | 'viewer';
};

export function bearerAuth(sql: Sql): MiddlewareHandler<{ Variables: BearerVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const token = m ? await verifyApiToken(sql, m[1]!) : null;
    const tenant = token ? await getTenant(sql, token.tenantId) : null;
    if (!tenant) {
      c.header('WWW-Authenticate', 'Bearer realm="relance"');
      return c.json({ error: 'unauthorized', message: 'Send a valid API token as "Authorization: Bearer <token>" (create one under Settings → API tokens).' }, 401);
    }
    c.set('tenant', tenant);
    c.set('apiToken', { id: token!.id, name: token!.name, prefix: token!.prefix });
    c.set('apiRole', token!.role);
    await next();
  };
}
