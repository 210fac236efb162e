/** @jsxImportSource hono/jsx */
// The page frame (navigation, tenant switcher, language links) and small shared pieces (badges, field errors, flash).
import type { Child, FC } from 'hono/jsx';
import type { Tenant } from '../../store/tenants.js';
import type { UiContext } from './context.js';
import type { Dict } from './i18n.js';

export const NAV = [
  ['dashboard', '/dashboard'],
  ['tasks', '/tasks'],
  ['connections', '/connections'],
  ['customers', '/customers'],
  ['unmatchedMail', '/mail/unmatched'],
  ['preview', '/preview'],
  ['policy', '/policy'],
  ['templates', '/templates'],
  ['activity', '/activity'],
  ['companyProfile', '/settings/company'],
  ['team', '/settings/team'],
] as const satisfies readonly (readonly [keyof Dict, string])[];

/** What a credit controller rarely needs: field mappings (JSONata) and API access, under "Advanced". */
export const NAV_ADVANCED = [
  ['mappings', '/mappings'],
  ['apiTokens', '/settings/tokens'],
] as const satisfies readonly (readonly [keyof Dict, string])[];

export type NavKey = (typeof NAV)[number][0] | (typeof NAV_ADVANCED)[number][0];

export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

export const Badge: FC<{ tone?: 'ok' | 'warn' | 'bad' | 'info'; children?: Child }> = ({ tone, children }) => <span class={`badge ${tone ?? ''}`}>{children}</span>;

export const FieldError: FC<{ errors: Record<string, string>; path: string }> = ({ errors, path }) => (errors[path] ? <div class="err">{errors[path]}</div> : null);

/** A folded JSON value (proofs, raw payloads): escaped text, opened on demand. */
export const JsonDetails: FC<{ summary: string; value: unknown }> = ({ summary, value }) => (
  <details>
    <summary>{summary}</summary>
    <pre>{JSON.stringify(value, null, 2)}</pre>
  </details>
);

export const Flash: FC<{ tone: 'ok' | 'bad' | 'info'; children?: Child }> = ({ tone, children }) => (
  <div class={`flash ${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
    {children}
  </div>
);

const FLASH_KEYS = new Set<string>(['syncQueued', 'syncDone', 'connected', 'disconnected', 'pauseAdded', 'pauseAddedCancelled', 'pauseResolved', 'actionCancelled', 'actionNotPlanned', 'portalRevoked', 'answerDecided', 'mappingActivated', 'mappingReverted', 'sendingTurnedOn', 'sendingTurnedOff', 'teamUpdated', 'taskSnoozed', 'taskClosed', 'collectorAssigned', 'mailAssigned', 'regNoSaved', 'regNoForgotten', 'handedOff', 'caseUpdated', 'doubtSettled']);

/** A message named by `?msg=` (a dictionary key, never free text: nothing user-controlled is reflected). */
export function flashFromQuery(c: UiContext): Child {
  const key = c.req.query('msg');
  if (!key || !FLASH_KEYS.has(key)) return null;
  const t = c.get('t');
  return <Flash tone="ok">{t[key as keyof Dict]}</Flash>;
}

export interface PageProps {
  c: UiContext;
  title: string;
  active?: NavKey;
  subtitle?: string;
  tenants?: Tenant[];
  actions?: Child;
  children?: Child;
}

export const Document: FC<{ lang: string; title: string; role?: string; children?: Child }> = ({ lang, title, role, children }) => (
  <html lang={lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{title} · Relance</title>
      <link rel="stylesheet" href="/assets/relance.css" />
      <script src="/assets/relance.js" defer></script>
    </head>
    <body data-role={role}>{children}</body>
  </html>
);

export const Page: FC<PageProps> = ({ c, title, active, subtitle, tenants, actions, children }) => {
  const t = c.get('t');
  const lang = c.get('lang');
  const session = c.get('session');
  const tenant = c.get('tenant');
  const here = c.req.path;
  return (
    <Document lang={lang} title={title} role={c.get('role')}>
      <div class="shell">
        <aside class="side">
          <div class="brand">
            <span class="logo" aria-hidden="true">R</span>
            {t.appName}
          </div>
          <nav class="nav" aria-label={t.mainMenu}>
            {NAV.map(([key, href]) => (
              <a href={href} class={active === key ? 'on' : ''} aria-current={active === key ? 'page' : undefined}>
                {t[key]}
              </a>
            ))}
            <span class="nav-group" aria-hidden="true">
              {t.advanced}
            </span>
            {NAV_ADVANCED.map(([key, href]) => (
              <a href={href} class={`adv ${active === key ? 'on' : ''}`} aria-current={active === key ? 'page' : undefined}>
                {t[key]}
              </a>
            ))}
          </nav>
          <div class="foot">
            {tenants && tenant ? (
              <form method="post" action="/tenants/switch">
                <Csrf token={session.csrfToken} />
                <label for="tenant-switch" style="color:#9fb0cc">
                  {t.tenant}
                </label>
                <select id="tenant-switch" name="tenantId" data-autosubmit="1">
                  {tenants.map((x) => (
                    <option value={x.id} selected={x.id === tenant.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
                <noscript>
                  <button class="small secondary" type="submit">
                    {t.switchTenant}
                  </button>
                </noscript>
              </form>
            ) : null}
            <a href="/tenants">{t.tenants}</a>
            <span class="lang">
              <a href={`/lang?to=en&back=${encodeURIComponent(here)}`} class={lang === 'en' ? 'on' : ''}>
                EN
              </a>
              <a href={`/lang?to=fr&back=${encodeURIComponent(here)}`} class={lang === 'fr' ? 'on' : ''}>
                FR
              </a>
            </span>
            <form method="post" action="/signout" class="inline">
              <Csrf token={session.csrfToken} />
              <button class="small secondary" type="submit">
                {t.signOut}
              </button>
            </form>
          </div>
        </aside>
        <main class="main">
          <div class="top">
            <div>
              <h1>{title}</h1>
              {subtitle ? <p class="sub">{subtitle}</p> : null}
            </div>
            {actions ? <div class="actions">{actions}</div> : null}
          </div>
          {flashFromQuery(c)}
          {children}
        </main>
      </div>
    </Document>
  );
};

/** Sends a page with its doctype. */
export async function render(c: UiContext, node: Child, status: 200 | 400 | 404 | 422 = 200): Promise<Response> {
  return c.html(`<!doctype html>${String(await node)}`, status);
}
