/** @jsxImportSource hono/jsx */
// Sign-in, sign-out, the language choice, the tenant picker (choose or create a company) and API tokens.
import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { isRole } from '../../../model/role.js';
import { allCompanies, apiTokensOf, createCompany, newApiToken, openCompany, revokeToken } from '../../../app/account.js';
import { sameSecret } from '../../auth/secrets.js';
import { cookiePolicy, signIn, signOut } from '../../auth/session.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { LANG_COOKIE, formatDate } from '../i18n.js';
import { Badge, Csrf, Document, Flash, Page, render } from '../layout.js';
import { Card, PostButton, Table } from '../components.js';

/** Only same-site paths: never an open redirect. */
export function safeNext(next: string | undefined, fallback = '/dashboard'): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

export function accountRoutes(app: Hono<UiEnv>, deps: UiDeps, guarded: Hono<UiEnv>): void {
  const policy = cookiePolicy(deps.config.PUBLIC_URL);

  const signInPage = (c: UiContext, failed: boolean, email = '') => {
    const t = c.get('t');
    const next = safeNext(c.req.query('next'));
    return render(
      c,
      <Document lang={c.get('lang')} title={t.signIn}>
        <div class="signin">
          <div class="card">
            <div class="brand" style="color:var(--ink);margin-bottom:6px">
              <span class="logo" aria-hidden="true" style="color:#fff">
                R
              </span>
              {t.appName}
            </div>
            <p class="sub" style="margin-bottom:18px">{t.tagline}</p>
            {failed ? <Flash tone="bad">{t.badCredentials}</Flash> : null}
            <form method="post" action={`/signin?next=${encodeURIComponent(next)}`}>
              <div class="field">
                <label for="email">{t.email}</label>
                <input id="email" type="email" name="email" value={email} autocomplete="username" required />
              </div>
              <div class="field">
                <label for="password">{t.password}</label>
                <input id="password" type="password" name="password" autocomplete="current-password" required />
              </div>
              <button type="submit" style="width:100%;justify-content:center">
                {t.signIn}
              </button>
            </form>
            <p class="lang" style="margin:14px 0 0;font-size:13px">
              <a href={`/lang?to=en&back=${encodeURIComponent('/signin')}`} style="color:var(--muted)">
                English
              </a>
              <a href={`/lang?to=fr&back=${encodeURIComponent('/signin')}`} style="color:var(--muted)">
                Français
              </a>
            </p>
          </div>
        </div>
      </Document>,
      failed ? 400 : 200,
    );
  };

  app.get('/signin', (c) => signInPage(c, false));
  app.post('/signin', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body['email'] === 'string' ? body['email'].trim() : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    // Both compared every time, so a wrong email takes as long as a wrong password.
    const okEmail = sameSecret(email.toLowerCase(), deps.admin.email.toLowerCase());
    const okPassword = sameSecret(password, deps.admin.password);
    if (!(okEmail && okPassword)) return signInPage(c, true, email);
    const tenants = await allCompanies(deps);
    await signIn(c, deps.sql, deps.admin.email, policy, tenants.length === 1 ? tenants[0]!.id : null);
    return c.redirect(tenants.length === 1 ? safeNext(c.req.query('next')) : '/tenants', 303);
  });

  app.get('/lang', (c) => {
    const to = c.req.query('to');
    if (to === 'en' || to === 'fr') setCookie(c, LANG_COOKIE, to, { path: '/', sameSite: 'Lax', secure: policy.secure, maxAge: 365 * 86400 });
    return c.redirect(safeNext(c.req.query('back'), '/'), 303);
  });

  guarded.post('/signout', async (c) => {
    await signOut(c, deps.sql, c.get('session'));
    return c.redirect('/signin', 303);
  });

  guarded.get('/tenants', async (c) => {
    const t = c.get('t');
    const tenants = await visibleTenants(c, deps);
    const current = c.get('tenant');
    const csrf = c.get('session').csrfToken;
    return render(
      c,
      <Page c={c} title={t.tenants} subtitle={tenants.length ? t.chooseTenant : t.noTenantYet} {...(current ? { tenants } : {})}>
        {tenants.length ? (
          <Table wrap="card" head={[t.name, t.timeZone, t.locale, '']}>
            {tenants.map((x) => (
              <tr>
                <td>
                  {x.name} {current?.id === x.id ? <Badge tone="info">✓</Badge> : null}
                </td>
                <td>{x.timeZone}</td>
                <td>{x.locale}</td>
                <td class="num">
                  <PostButton action="/tenants/switch" csrf={csrf} fields={{ tenantId: x.id }} class="small secondary">
                    {t.open}
                  </PostButton>
                </td>
              </tr>
            ))}
          </Table>
        ) : null}
        <Card title={t.newTenant}>
          <form method="post" action="/tenants">
            <Csrf token={csrf} />
            <div class="row">
              <div class="field">
                <label for="tn">{t.name}</label>
                <input id="tn" type="text" name="name" required maxlength={120} />
              </div>
              <div class="field">
                <label for="tz">{t.timeZone}</label>
                <input id="tz" type="text" name="timeZone" value={deps.config.DEFAULT_TIME_ZONE} />
              </div>
              <div class="field">
                <label for="tl">{t.locale}</label>
                <select id="tl" name="locale">
                  <option value="fr" selected={c.get('lang') === 'fr'}>
                    Français
                  </option>
                  <option value="en" selected={c.get('lang') === 'en'}>
                    English
                  </option>
                </select>
              </div>
            </div>
            <button type="submit">{t.create}</button>
          </form>
        </Card>
      </Page>,
    );
  });

  guarded.post('/tenants', async (c) => {
    // A marketplace install manages its own company only.
    if (c.get('session').locked) return c.notFound();
    const body = await c.req.parseBody();
    const name = typeof body['name'] === 'string' ? body['name'].trim().slice(0, 120) : '';
    if (!name) return c.redirect('/tenants', 303);
    const timeZone = typeof body['timeZone'] === 'string' && body['timeZone'].trim() ? body['timeZone'].trim() : deps.config.DEFAULT_TIME_ZONE;
    await createCompany(deps, c.get('session').id, { name, timeZone, locale: body['locale'] === 'en' ? 'en' : 'fr' });
    return c.redirect('/connections', 303);
  });

  guarded.post('/tenants/switch', async (c) => {
    if (c.get('session').locked) return c.notFound();
    const body = await c.req.parseBody();
    const id = typeof body['tenantId'] === 'string' ? body['tenantId'] : '';
    if (!(await openCompany(deps, c.get('session').id, id))) return c.notFound();
    return c.redirect('/dashboard', 303);
  });
}

export function tokenRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const page = async (c: UiContext, created?: string) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const tokens = await apiTokensOf(deps, tenant.id);
    const csrf = c.get('session').csrfToken;
    return render(
      c,
      <Page c={c} title={t.apiTokens} active="apiTokens" tenants={await visibleTenants(c, deps)} subtitle={t.apiTokensHint}>
        <p class="hint" data-api-doc>
          {t.apiDocIntro}{' '}
          <a href="/openapi.json">{t.apiDocLink}</a> · <code>Authorization: Bearer …</code> · <code>/api/v1</code>
        </p>
        {created ? (
          <Flash tone="info">
            {t.tokenCreated}
            <code class="token" data-testid="new-token">
              {created}
            </code>
          </Flash>
        ) : null}
        <Card title={t.newToken}>
          <form method="post" action="/settings/tokens" class="actions">
            <Csrf token={csrf} />
            <input type="text" name="name" placeholder={t.tokenName} required maxlength={80} style="max-width:320px" aria-label={t.tokenName} />
            <select name="role" aria-label={t.tokenRole}>
              {(['admin', 'collector', 'viewer'] as const).map((r) => (
                <option value={r}>{`${t[`role_${r}`]} — ${t[`roleHint_${r}`]}`}</option>
              ))}
            </select>
            <button type="submit">{t.create}</button>
          </form>
        </Card>
        {tokens.length ? (
          <Table wrap="card" head={[t.name, t.tokenRole, 'Prefix', t.created, t.lastUsed, '']}>
            {tokens.map((k) => (
              <tr>
                <td>{k.name}</td>
                <td>{t[`role_${k.role}`]}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{formatDate(k.createdAt, lang, tenantOf(c).timeZone)}</td>
                <td>{formatDate(k.lastUsedAt, lang, tenantOf(c).timeZone)}</td>
                <td class="num">
                  {k.revokedAt ? (
                    <Badge>{t.revoked}</Badge>
                  ) : (
                    <PostButton action={`/settings/tokens/${k.id}/revoke`} csrf={csrf} class="small danger">
                      {t.revoke}
                    </PostButton>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        ) : null}
      </Page>,
    );
  };
  app.get('/settings/tokens', (c) => page(c));
  app.post('/settings/tokens', async (c) => {
    const body = await c.req.parseBody();
    const name = typeof body['name'] === 'string' && body['name'].trim() ? body['name'].trim().slice(0, 80) : 'API';
    const role = isRole(body['role']) ? body['role'] : 'admin';
    const token = await newApiToken(deps, tenantOf(c).id, name, role);
    // Shown in this response only; the page is not cacheable.
    c.header('Cache-Control', 'no-store');
    return page(c, token);
  });
  app.post('/settings/tokens/:id/revoke', async (c) => {
    if (!(await revokeToken(deps, tenantOf(c).id, c.req.param('id')))) return c.notFound();
    return c.redirect('/settings/tokens', 303);
  });
}
