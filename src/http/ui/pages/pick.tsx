/** @jsxImportSource hono/jsx */
// The connection a per-connection page shows: `?connection=` if it is the tenant's, else the first usable one.
import { listConnections, type Connection } from '../../../store/tenants.js';
import { tenantOf, type UiContext, type UiDeps } from '../context.js';

export async function pickConnection(c: UiContext, deps: UiDeps): Promise<{ all: Connection[]; chosen: Connection | null }> {
  const all = await listConnections(deps.sql, tenantOf(c).id);
  const wanted = c.req.query('connection');
  const usable = all.filter((x) => x.status !== 'disconnected' && x.status !== 'pending');
  const chosen = (wanted ? all.find((x) => x.id === wanted) : usable[0] ?? all[0]) ?? null;
  return { all, chosen };
}

export const ConnectionPicker = ({ all, chosen, action, label }: { all: Connection[]; chosen: Connection | null; action: string; label: string }) =>
  all.length > 1 ? (
    <form method="get" action={action} class="actions">
      <select name="connection" data-autosubmit="1" aria-label={label} style="max-width:320px">
        {all.map((x) => (
          <option value={x.id} selected={x.id === chosen?.id}>
            {x.provider} · {x.externalTenantId ?? x.id.slice(0, 8)}
          </option>
        ))}
      </select>
      <noscript>
        <button class="small secondary">OK</button>
      </noscript>
    </form>
  ) : null;
