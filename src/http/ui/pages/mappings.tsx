/** @jsxImportSource hono/jsx */
// Mappings: the shipped JSONata mapping of a provider and entity, the tenant's override, tested on a real synced record before activation.
import { providerLabel } from './sending.js';
import type { Hono } from 'hono';
import { loadShippedMapping } from '../../../mapping/index.js';
import { activateOverride, currentMapping, revertOverride, syncedSamples, tryMapping } from '../../../app/mappings.js';
import { ENTITIES, type EntityKind } from '../../../model/index.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { Badge, Csrf, Flash, Page, render } from '../layout.js';
import { Card } from '../components.js';

type Outcome = { tone: 'ok' | 'bad' | 'info'; title: string; body: string };

function selection(c: UiContext, deps: UiDeps, form: Record<string, string> = {}) {
  const providers = deps.registry.providers();
  const p = form['provider'] ?? c.req.query('provider') ?? '';
  const e = form['entity'] ?? c.req.query('entity') ?? '';
  const provider = providers.includes(p) ? p : providers[0] ?? '';
  const entity = (ENTITIES as readonly string[]).includes(e) ? (e as EntityKind) : 'invoice';
  return { providers, provider, entity };
}

async function mappingsPage(c: UiContext, deps: UiDeps, form: Record<string, string> = {}, outcome: Outcome | null = null) {
  const t = c.get('t');
  const tenant = tenantOf(c);
  const { providers, provider, entity } = selection(c, deps, form);
  let shipped = '';
  try {
    shipped = loadShippedMapping(provider, entity).source;
  } catch (err) {
    shipped = `// ${err instanceof Error ? err.message : String(err)}`;
  }
  const active = await currentMapping(deps, tenant.id, provider, entity).catch(() => null);
  const samples = await syncedSamples(deps, tenant.id, provider, entity, 50);
  const source = form['source'] ?? (active?.overrideId ? active.mapping.source : shipped);
  const record = form['record'] ?? samples[0]?.id ?? '';
  const csrf = c.get('session').csrfToken;
  return render(
    c,
    <Page c={c} title={t.mappings} active="mappings" tenants={await visibleTenants(c, deps)}>
      <div class="card">
        <form method="get" action="/mappings" class="row">
          <div class="field">
            <label for="m-provider">{t.provider}</label>
            <select id="m-provider" name="provider" data-autosubmit="1">
              {providers.map((x) => (
                <option value={x} selected={x === provider}>
                  {providerLabel(deps, x)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="m-entity">{t.entity}</label>
            <select id="m-entity" name="entity" data-autosubmit="1">
              {ENTITIES.map((x) => (
                <option value={x} selected={x === entity}>
                  {t[`entity_${x}`]}
                </option>
              ))}
            </select>
          </div>
          <noscript>
            <button class="secondary">OK</button>
          </noscript>
        </form>
        {active?.overrideId ? <Badge tone="warn">{t.mappingActiveOverride}</Badge> : <Badge tone="ok">{t.mappingActiveShipped}</Badge>}
      </div>
      {outcome ? (
        <Flash tone={outcome.tone}>
          <strong>{outcome.title}</strong>
          {outcome.body ? <pre style="background:transparent;color:inherit;padding:6px 0;margin:0">{outcome.body}</pre> : null}
        </Flash>
      ) : null}
      <div class="two">
        <Card title={t.mappingOverride}>
          <form method="post" action="/mappings">
            <Csrf token={csrf} />
            <input type="hidden" name="provider" value={provider} />
            <input type="hidden" name="entity" value={entity} />
            <div class="field">
              <textarea name="source" style="min-height:340px" spellcheck={false} aria-label={t.mappingOverride}>
                {source}
              </textarea>
            </div>
            {samples.length ? (
              <div class="field">
                <label for="m-record">{t.testAgainst}</label>
                <select id="m-record" name="record">
                  {samples.map((s) => (
                    <option value={s.id} selected={s.id === record}>
                      {s.id}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <p class="hint">{t.noSyncedRecords}</p>
            )}
            <div class="actions">
              <button type="submit" name="op" value="test" class="secondary" disabled={!samples.length}>
                {t.test}
              </button>
              <button type="submit" name="op" value="activate" disabled={!samples.length}>
                {t.activate}
              </button>
              {active?.overrideId ? (
                <button type="submit" name="op" value="revert" class="danger">
                  {t.revert}
                </button>
              ) : null}
            </div>
          </form>
        </Card>
        <Card title={t.mappingShipped}>
          <pre style="max-height:520px">{shipped}</pre>
        </Card>
      </div>
    </Page>,
  );
}

export function mappingRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/mappings', (c) => mappingsPage(c, deps));

  app.post('/mappings', async (c) => {
    const t = c.get('t');
    const tenant = tenantOf(c);
    const body = await c.req.parseBody();
    const form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const { provider, entity } = selection(c, deps, form);
    const source = form['source'] ?? '';
    if (form['op'] === 'revert') {
      await revertOverride(deps, tenant.id, provider, entity);
      return c.redirect(`/mappings?provider=${provider}&entity=${entity}&msg=mappingReverted`, 303);
    }
    if (form['op'] === 'activate') {
      const saved = await activateOverride(deps, tenant.id, provider, entity, source);
      if (saved.ok) return c.redirect(`/mappings?provider=${provider}&entity=${entity}&msg=mappingActivated`, 303);
      const lines = saved.failures.slice(0, 20).map((f) => `${f.index >= 0 ? f.recordId ?? `#${f.index}` : ''} ${f.path}: ${f.reason}`.trim());
      return mappingsPage(c, deps, form, { tone: 'bad', title: t.mappingRejected, body: lines.join('\n') });
    }
    const r = await tryMapping(deps, tenant.id, provider, entity, source, form['record']);
    const outcome: Outcome =
      r.kind === 'no_record'
        ? { tone: 'bad', title: t.mappingFailed, body: t.noSyncedRecords }
        : r.kind === 'mapped'
          ? { tone: 'ok', title: t.mappingOk, body: JSON.stringify(r.value, null, 2) }
          : r.kind === 'skipped'
            ? { tone: 'info', title: t.mappingOk, body: `skipped: ${r.reason}` }
            : { tone: 'bad', title: t.mappingFailed, body: r.message };
    return mappingsPage(c, deps, form, outcome);
  });
}
