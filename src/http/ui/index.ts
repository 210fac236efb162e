// The product a user sees: settings pages (FR/EN), OAuth connect/callback, the REST API and its OpenAPI document; mount at '/'.
import { Hono } from 'hono';
import { createApi } from '../api/index.js';
import { csrfProtection, loadSession, requireSession } from '../auth/session.js';
import { FAVICON, SCRIPT, STYLESHEET } from './assets.js';
import type { UiDeps, UiEnv } from './context.js';
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
import { portalRoutes } from '../../portal/pages.js';
import { nowOf } from './context.js';
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

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function createUi(deps: UiDeps): Hono {
  const app = new Hono<UiEnv>();
  const api = createApi(deps);

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.header('Content-Security-Policy', CSP);
      c.header('X-Frame-Options', 'DENY');
      c.header('Cache-Control', 'no-store');
    }
  });

  app.get('/assets/relance.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/assets/relance.js', (c) => c.body(SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));

  app.get('/favicon.ico', (c) => c.body(FAVICON, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' }));

  app.route('/', api as unknown as Hono);
  // The customer portal: public, behind its own link tokens, signed forms and rate limits (src/portal).
  portalRoutes(app as unknown as Hono, { sql: deps.sql, secretKey: deps.secretKey, now: () => nowOf(deps), publicUrl: deps.config.PUBLIC_URL, ...(deps.addedRates ? { addedRates: deps.addedRates } : {}) });

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
