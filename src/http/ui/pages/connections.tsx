/** @jsxImportSource hono/jsx */
// Connections: connect (OAuth or demo), disconnect, sync, status and lag, and the records held in quarantine.
import type { Hono } from 'hono';
import { demoSettingsOf } from '../../../demo/host.js';
import type { Connection } from '../../../store/tenants.js';
import { nowOf, tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { appConfigured, CallbackRefused, chooseCompany, companiesToPick, CompanyRefused, completeAuthorization, connectDemo, finishInstall, hasSyncedData, startAuthorization, startInstall, type Company } from '../../../app/connect.js';
import { requestSync } from '../../../app/sync.js';
import type { InlineSync } from '../../../app/deps.js';
import { cookiePolicy, signIn } from '../../auth/session.js';
import { formatDate, localeOf, type Dict, type Lang } from '../i18n.js';
import { quotaResumesAt } from '../../../connectors/errors.js';
import { Badge, Csrf, Document, Flash, JsonDetails, Page, render } from '../layout.js';
import { Card, Empty, PostButton, Table } from '../components.js';
import { connectionOf, connectionsOverview, disconnect } from '../../../app/connections.js';
import { SendingBanner, SendingSwitch } from './sending.js';

/** How the sync engine records a failed sync on the connection (src/sync/run.ts). */
const SYNC_FAILED = 'last sync failed: ';

export function statusTone(status: string): 'ok' | 'warn' | 'bad' | 'info' {
  if (status === 'active') return 'ok';
  if (status === 'pending' || status === 'paused') return 'warn';
  if (status === 'disconnected') return 'info';
  return 'bad';
}

/** A connection status in the reader's words; an unknown one as stored. */
export const statusLabel = (status: string, t: Dict) => (`status_${status}` in t ? t[`status_${status}` as keyof Dict] : status);

/**
 * A connection paused on a spent provider quota, in the reader's words: "Quota journalier atteint, reprise à 14:05"
 * (today in the company's time zone), else with the date. Null when the detail names no resume time.
 */
export function quotaPauseText(detail: string | null, now: Date, t: Dict, lang: Lang, timeZone: string): string | null {
  const at = quotaResumesAt(detail);
  if (!at) return null;
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  if (day(at) === day(now)) return `${t.quotaPausedAt} ${new Intl.DateTimeFormat(localeOf(lang), { timeStyle: 'short', timeZone }).format(at)}`;
  return `${t.quotaPausedOn} ${formatDate(at, lang, timeZone)}`;
}

/** "3 min", "2 h", "4 d" ("4 j" in French) since the last sync. */
export function lagText(last: Date | null, now: Date, t: Dict): string {
  if (!last) return t.never;
  const min = Math.max(0, Math.round((now.getTime() - last.getTime()) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} ${t.dayUnit}`;
}

const providerName = (deps: UiDeps, p: string) => (deps.registry.has(p) ? deps.registry.get(p).displayName : p);

async function connectionsPage(c: UiContext, deps: UiDeps, problem?: string) {
  const t = c.get('t');
  const lang: Lang = c.get('lang');
  const tenant = tenantOf(c);
  const csrf = c.get('session').csrfToken;
  const now = nowOf(deps);
  const { connections, counts, pickable, quarantined, sending, off } = await connectionsOverview(deps, tenant.id, now);
  return render(
    c,
    <Page c={c} title={t.connections} active="connections" tenants={await visibleTenants(c, deps)}>
      {problem ? <Flash tone="bad">{problem}</Flash> : null}
      <SendingBanner off={off} deps={deps} t={t} csrf={csrf} back="/connections" withSwitch={false} />
      <div class="card">
        {connections.length === 0 ? <p class="muted">{t.noConnections}</p> : null}
        {connections.length ? (
          <Table class="stack" head={[t.provider, t.status, t.lastSync, t.lag, { label: t.invoices, class: 'num' }, t.sending, '']}>
            {connections.map((x: Connection, i) => (
              <tr data-connection={x.id}>
                <td data-label={t.provider}>
                  <span>
                  <strong>{providerName(deps, x.provider)}</strong>
                  {demoSettingsOf(x) ? <> <Badge tone="info">{t.demoBadge}</Badge></> : null}
                  </span>
                </td>
                <td data-label={t.status}>
                  <span>
                    {/* A connection whose last sync failed says so in red, not "active" in green. */}
                    {x.status === 'active' && x.statusDetail?.startsWith(SYNC_FAILED) ? (
                      <>
                        <Badge tone="bad">{t.syncFailed}</Badge>
                        <div class="err">{x.statusDetail.slice(SYNC_FAILED.length)}</div>
                      </>
                    ) : x.status === 'paused' && quotaPauseText(x.statusDetail, now, t, lang, tenant.timeZone) ? (
                      <>
                        <Badge tone={statusTone(x.status)}>{statusLabel(x.status, t)}</Badge>
                        <div class="err" data-quota-pause>{quotaPauseText(x.statusDetail, now, t, lang, tenant.timeZone)}</div>
                      </>
                    ) : (
                      <>
                        <Badge tone={statusTone(x.status)}>{statusLabel(x.status, t)}</Badge>
                        {x.statusDetail ? <div class="err">{x.statusDetail}</div> : null}
                      </>
                    )}
                  </span>
                </td>
                <td data-label={t.lastSync}>{formatDate(x.lastSyncAt, lang, tenantOf(c).timeZone)}</td>
                <td data-label={t.lag}>{lagText(x.lastSyncAt, now, t)}</td>
                <td class="num" data-label={t.invoices}>
                  {counts[i]}
                </td>
                <td data-label={t.sending} data-sending-state={sending.get(x.id)?.enabled ? 'on' : 'off'}>
                  <Badge tone={sending.get(x.id)?.enabled ? 'ok' : 'warn'}>{sending.get(x.id)?.enabled ? t.sendingOnLabel : t.sendingOffLabel}</Badge>
                </td>
                <td class="acts">
                  <div class="actions" style="justify-content:flex-end">
                    {x.status !== 'disconnected' ? <SendingSwitch connectionId={x.id} enabled={sending.get(x.id)?.enabled ?? false} t={t} csrf={csrf} back="/connections" small={true} /> : null}
                    {x.status === 'active' && pickable[i] ? (
                      <a class="button small secondary" href={`/connections/${x.id}/company`}>
                        {t.chooseCompany}
                      </a>
                    ) : null}
                    {x.status !== 'disconnected' && x.status !== 'pending' ? (
                      <PostButton action={`/connections/${x.id}/sync`} csrf={csrf} class="small">
                        {t.syncNow}
                      </PostButton>
                    ) : null}
                    {x.status !== 'disconnected' ? (
                      <PostButton action={`/connections/${x.id}/disconnect`} csrf={csrf} class="small danger" confirm={`${t.disconnect}?`}>
                        {t.disconnect}
                      </PostButton>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </Table>
        ) : null}
      </div>
      <div class="two">
        {deps.registry.providers().map((p) => (
          <Card title={providerName(deps, p)}>
            {appConfigured(deps, p) ? (
              <form method="post" action={`/oauth/${p}/connect`} style="margin-bottom:12px">
                <Csrf token={csrf} />
                <button type="submit">
                  {t.connect} {providerName(deps, p)}
                </button>
              </form>
            ) : (
              <p class="hint">{t.notConfigured}</p>
            )}
            {deps.registry.simulated().includes(p) ? (
              <form method="post" action={`/connections/demo/${p}`}>
                <Csrf token={csrf} />
                <button class="secondary" type="submit">
                  {t.connectDemo}
                </button>
                <div class="hint">{t.demoHint}</div>
              </form>
            ) : null}
          </Card>
        ))}
      </div>
      <div class="card">
        <h2>
          {t.quarantine} <Badge tone={quarantined.length ? 'warn' : 'ok'}>{quarantined.length}</Badge>
        </h2>
        <p class="hint">{t.quarantineHint}</p>
        {quarantined.length === 0 ? (
          <Empty>{t.noQuarantine}</Empty>
        ) : (
          <Table head={[t.entity, t.record, t.reason, t.seen]}>
            {quarantined.slice(0, 200).map((q) => (
              <tr>
                <td>{q.entity}</td>
                <td>
                  <code>{q.external_id}</code>
                </td>
                <td>
                  {q.path ? <code>{q.path}</code> : null} {q.reason}
                  <JsonDetails summary={t.raw} value={q.raw} />
                </td>
                <td>
                  {formatDate(q.last_seen_at, lang, tenantOf(c).timeZone)} ×{q.occurrences}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </div>
    </Page>,
    problem ? 422 : 200,
  );
}


/** The company picker: the companies the login reaches, the one followed now checked (names only, never ids). */
async function companyPage(c: UiContext, deps: UiDeps, connection: Connection, problem?: string) {
  const t = c.get('t');
  const tenant = tenantOf(c);
  const csrf = c.get('session').csrfToken;
  const locked = await hasSyncedData(deps, tenant.id, connection.id);
  const companies: Company[] = locked ? [] : ((await companiesToPick(deps, tenant.id, connection)) ?? []);
  return render(
    c,
    <Page c={c} title={t.chooseCompany} active="connections" tenants={await visibleTenants(c, deps)}>
      {problem ? <Flash tone="bad">{problem}</Flash> : null}
      <div class="card" data-company-picker>
        <h2>
          {providerName(deps, connection.provider)}
          {demoSettingsOf(connection) ? <> <Badge tone="info">{t.demoBadge}</Badge></> : null}
        </h2>
        {locked ? (
          <p>{t.companyLocked}</p>
        ) : (
          <form method="post" action={`/connections/${connection.id}/company`}>
            <Csrf token={csrf} />
            <p class="hint">{t.chooseCompanyHint}</p>
            <fieldset style="border:0;padding:0;margin:0 0 12px">
              <legend style="position:absolute;left:-9999px">{t.chooseCompany}</legend>
              {companies.map((x) => (
                <label style="display:flex;gap:8px;align-items:center;padding:10px 0;border-bottom:1px solid #e5e7eb">
                  <input type="radio" name="company" value={x.id} checked={x.id === connection.externalTenantId} required />
                  <span>
                    <strong>{x.name}</strong>
                    {x.id === connection.externalTenantId ? <> <Badge tone="ok">{t.currentCompany}</Badge></> : null}
                  </span>
                </label>
              ))}
            </fieldset>
            <div class="actions">
              <button type="submit">{t.useCompany}</button>
              <a class="button secondary" href="/connections">
                {t.back}
              </a>
            </div>
          </form>
        )}
      </div>
    </Page>,
    problem ? 422 : 200,
  );
}

/** After a consent: to the company picker when the login reaches several companies, else a sync and back to the list. */
async function afterConnect(c: UiContext, deps: InlineSync, tenantId: string, connection: Connection) {
  if (await companiesToPick(deps, tenantId, connection)) return c.redirect(`/connections/${connection.id}/company`, 303);
  const sync = await requestSync(deps, tenantId, connection);
  return c.redirect(`/connections?msg=${sync.queued ? 'syncQueued' : 'syncDone'}`, 303);
}

export function connectionRoutes(app: Hono<UiEnv>, deps: InlineSync, open: Hono<UiEnv>): void {
  app.get('/connections', (c) => connectionsPage(c, deps));

  app.post('/oauth/:provider/connect', async (c) => {
    const provider = c.req.param('provider');
    if (!deps.registry.has(provider)) return c.notFound();
    if (!appConfigured(deps, provider)) return connectionsPage(c, deps, c.get('t').notConfigured);
    return c.redirect(await startAuthorization(deps, tenantOf(c).id, c.get('session').id, provider), 303);
  });

  app.post('/connections/demo/:provider', async (c) => {
    const provider = c.req.param('provider');
    if (!deps.registry.has(provider)) return c.notFound();
    try {
      const connection = await connectDemo(deps, tenantOf(c).id, c.get('session').id, provider);
      return await afterConnect(c, deps, tenantOf(c).id, connection);
    } catch (err) {
      return connectionsPage(c, deps, `${c.get('t').connectDemo}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  app.post('/connections/:id/sync', async (c) => {
    const tenant = tenantOf(c);
    const connection = await connectionOf(deps, tenant.id, c.req.param('id'));
    if (!connection) return c.notFound();
    const result = await requestSync(deps, tenant.id, connection);
    // A spent quota is no failure: the row says until when the connection waits.
    if (!result.queued && result.report.status === 'paused') return c.redirect('/connections', 303);
    if (!result.queued && result.report.status !== 'ok') return connectionsPage(c, deps, `${c.get('t').syncFailed}: ${result.report.error ?? result.report.status}`);
    return c.redirect(`/connections?msg=${result.queued ? 'syncQueued' : 'syncDone'}`, 303);
  });

  app.get('/connections/:id/company', async (c) => {
    const connection = await connectionOf(deps, tenantOf(c).id, c.req.param('id'));
    if (!connection || connection.status === 'disconnected' || !deps.registry.has(connection.provider)) return c.notFound();
    return companyPage(c, deps, connection);
  });

  app.post('/connections/:id/company', async (c) => {
    const tenant = tenantOf(c);
    const connection = await connectionOf(deps, tenant.id, c.req.param('id'));
    if (!connection || connection.status === 'disconnected' || !deps.registry.has(connection.provider)) return c.notFound();
    const form = await c.req.parseBody();
    try {
      const chosen = await chooseCompany(deps, tenant.id, connection, String(form['company'] ?? ''));
      const sync = await requestSync(deps, tenant.id, chosen);
      return c.redirect(`/connections?msg=${sync.queued ? 'syncQueued' : 'syncDone'}`, 303);
    } catch (err) {
      if (!(err instanceof CompanyRefused)) throw err;
      return companyPage(c, deps, connection, err.message === 'locked' ? c.get('t').companyLocked : c.get('t').companyUnknown);
    }
  });

  app.post('/connections/:id/disconnect', async (c) => {
    if (!(await disconnect(deps, tenantOf(c).id, c.req.param('id')))) return c.notFound();
    return c.redirect('/connections?msg=disconnected', 303);
  });

  // A marketplace install lands here with no account: straight to the provider's consent for a new company.
  open.get('/install/:provider', async (c) => {
    const provider = c.req.param('provider');
    if (!deps.registry.has(provider) || !appConfigured(deps, provider)) return c.notFound();
    return c.redirect(await startInstall(deps, provider), 302);
  });

  // The provider redirects the browser here; the state (not the cookie) says which tenant and connection it is for.
  open.get('/oauth/:provider/callback', async (c) => {
    const provider = c.req.param('provider');
    if (!deps.registry.has(provider)) return c.notFound();
    const session = c.get('session') as UiEnv['Variables']['session'] | undefined;
    try {
      const done = await completeAuthorization(deps, provider, c.req.query() as Record<string, string>, session?.id ?? null);
      if (!session) {
        // Only an install's state has no session: the installer gets a session bound to this one company.
        // The company settled and synced, the installer an admin of it (#23).
        const { tenantId, installer } = await finishInstall(deps, provider, done);
        await signIn(c, deps.sql, installer.email, cookiePolicy(deps.config.PUBLIC_URL), tenantId, true, installer.id);
        return c.redirect('/dashboard', 303);
      }
      if (await companiesToPick(deps, done.tenantId, done.connection)) return c.redirect(`/connections/${done.connection.id}/company`, 303);
      await requestSync(deps, done.tenantId, done.connection);
      return c.redirect('/connections?msg=connected', 303);
    } catch (err) {
      if (!(err instanceof CallbackRefused)) throw err;
      const t = c.get('t');
      return render(
        c,
        <Document lang={c.get('lang')} title={t.connections}>
          <div class="signin">
            <div class="card">
              <h1>{t.connections}</h1>
              <Flash tone="bad">{err.message}</Flash>
              <a class="button" href="/connections">
                {t.back}
              </a>
            </div>
          </div>
        </Document>,
        400,
      );
    }
  });
}
