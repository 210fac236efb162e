/** @jsxImportSource hono/jsx */
// The connection a per-connection page shows: `?connection=` if it is the tenant's, else the first usable one.
import { demoSettingsOf } from '../../../demo/host.js';
import { tenantConnections } from '../../../app/connections.js';
import type { Connection } from '../../../store/tenants.js';
import { tenantOf, type UiContext, type UiDeps } from '../context.js';
import type { Dict } from '../i18n.js';
import { providerLabel } from './sending.js';

export async function pickConnection(c: UiContext, deps: UiDeps): Promise<{ all: Connection[]; chosen: Connection | null }> {
  const all = await tenantConnections(deps, tenantOf(c).id);
  const wanted = c.req.query('connection');
  const usable = all.filter((x) => x.status !== 'disconnected' && x.status !== 'pending');
  const chosen = (wanted ? all.find((x) => x.id === wanted) : usable[0] ?? all[0]) ?? null;
  return { all, chosen };
}

/** A connection as a person names it: its software, "demo" when it is one, and a number when the software repeats (no ids). */
export function connectionLabels(all: readonly Connection[], deps: UiDeps, t: Dict): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const x of all) {
    const name = `${providerLabel(deps, x.provider)}${demoSettingsOf(x) ? ` (${t.demoBadge})` : ''}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    out.set(x.id, n > 1 ? `${name} ${n}` : name);
  }
  return out;
}

export const ConnectionPicker = ({ all, chosen, action, label, deps, t }: { all: Connection[]; chosen: Connection | null; action: string; label: string; deps: UiDeps; t: Dict }) => {
  if (all.length <= 1) return null;
  const names = connectionLabels(all, deps, t);
  return (
    <form method="get" action={action} class="actions">
      <select name="connection" data-autosubmit="1" aria-label={label} style="max-width:320px">
        {all.map((x) => (
          <option value={x.id} selected={x.id === chosen?.id}>
            {names.get(x.id)}
          </option>
        ))}
      </select>
      <noscript>
        <button class="small secondary">OK</button>
      </noscript>
    </form>
  );
};
