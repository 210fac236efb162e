// The settings pages a signed-in team uses (FR/EN), OAuth connect/callback and marketplace installs; the API and the
// customer portal sit beside them (http/app.ts mounts the three). Mount at '/'.
import { Hono } from 'hono';
import { csrfProtection, loadSession, requireSession } from '../auth/session.js';
import { FAVICON, SCRIPT, STYLESHEET } from './assets.js';
import type { UiEnv } from './context.js';
import type { InlineSync } from '../../app/deps.js';
import { DICTS, pickLang } from './i18n.js';
import { accountRoutes, tokenRoutes } from './pages/account.js';
import { activityRoutes } from './pages/activity.js';
import { connectionRoutes } from './pages/connections.js';
import { customerRoutes } from './pages/customers.js';
import { recoveryRoutes } from './pages/recovery.js';
import { mailRoutes } from './pages/mail.js';
import { dashboardRoutes } from './pages/dashboard.js';
import { mappingRoutes } from './pages/mappings.js';
import { policyRoutes } from './pages/policy.js';
import { previewRoutes } from './pages/preview.js';
import { sendingRoutes } from './pages/sending.js';
import { templateRoutes } from './pages/templates.js';
import { LOGO_PATH, companyRoutes, logoTooLarge } from './pages/company.js';
import { LOGO_MAX_BYTES } from '../../model/index.js';
import { bodyLimit } from 'hono/body-limit';
import { notFoundPage } from './pages/not-found.js';
import { mayRequest } from '../auth/roles.js';
import { forbiddenPage, inviteRoutes, recordChange, teamRoutes } from './pages/team.js';
import { taskRoutes } from './pages/tasks.js';

export type { UiDeps } from './context.js';
export { notFoundPage } from './pages/not-found.js';

/** Paths reachable without a session: sign-in, language, assets, marketplace installs, the provider's redirect, and the bearer-authenticated API. */
const OPEN = [/^\/$/, /^\/signin$/, /^\/lang$/, /^\/invite\/[A-Za-z0-9_-]+$/, /^\/assets\//, /^\/favicon\.ico$/, /^\/oauth\/[a-z]+\/callback$/, /^\/install\/[a-z]+$/, /^\/api\//, /^\/openapi\.json$/];
/** Signed-in paths that need no current tenant (choosing one, signing out). */
const TENANTLESS = [/^\/tenants(\/switch)?$/, /^\/signout$/];

/** First path segments this app serves: the gate leaves every other path (webhooks, health, metrics…) to the host app. */
const MINE = new Set(['', 'signin', 'signout', 'lang', 'tenants', 'settings', 'dashboard', 'connections', 'customers', 'policy', 'preview', 'mappings', 'activity', 'templates', 'oauth', 'install', 'tasks', 'invite', 'mail']);

/** The stylesheet, script and icon the pages and the customer portal load (no session needed). */
export function assetRoutes(): Hono {
  const app = new Hono();
  app.get('/assets/relance.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/assets/relance.js', (c) => c.body(SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get('/favicon.ico', (c) => c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));
  return app;
}

/** The settings pages, behind the session, role and CSRF gate; a sync they start inline is paced by `deps.gate`. */
export function createUi(deps: InlineSync): Hono {
  const app = new Hono<UiEnv>();

  app.use('*', async (c, next) => {
    const lang = pickLang(c);
    c.set('lang', lang);
    c.set('t', DICTS[lang]);
    await next();
  });
  // A logo upload over the limit is refused before its body is read (the CSRF check below parses every form body).
  app.post(LOGO_PATH, bodyLimit({ maxSize: LOGO_MAX_BYTES + 64 * 1024, onError: (c) => logoTooLarge(c as never) }));
  const loadIt = loadSession(deps.sql);
  const csrf = csrfProtection(deps.config.PUBLIC_URL);
  const mustSignIn = requireSession();
  app.use('*', async (c, next) => {
    const path = c.req.path;
    if (!MINE.has(path.split('/')[1] ?? '')) return next();
    await loadIt(c as never, async () => undefined);
    if (!OPEN.some((r) => r.test(path))) {
      const denied = await mustSignIn(c as never, async () => undefined);
      if (denied) return denied;
      if (!c.get('tenant') && !TENANTLESS.some((r) => r.test(path))) return c.redirect('/tenants', 302);
    }
    // Roles are enforced here, before any route runs: a page that forgot to check cannot let a viewer change anything.
    const session = c.get('session');
    if (session && !mayRequest(c.get('role'), c.req.method, path)) return forbiddenPage(c);
    const refused = await csrf(c as never, next);
    if (refused) return refused;
    if (session) await recordChange(deps, c);
    return undefined;
  });

  app.get('/', (c) => c.redirect(c.get('session') ? '/dashboard' : '/signin', 302));

  const open = app;
  accountRoutes(app, deps, app);
  tokenRoutes(app, deps);
  connectionRoutes(app, deps, open);
  customerRoutes(app, deps);
  recoveryRoutes(app, deps);
  mailRoutes(app, deps);
  policyRoutes(app, deps);
  previewRoutes(app, deps);
  sendingRoutes(app, deps);
  mappingRoutes(app, deps);
  activityRoutes(app, deps);
  templateRoutes(app, deps);
  companyRoutes(app, deps);
  dashboardRoutes(app, deps);
  teamRoutes(app, deps);
  inviteRoutes(app, deps);
  taskRoutes(app, deps);

  app.notFound((c) => notFoundPage(c));
  return app as unknown as Hono;
}
