// Chaos, security (#26 point 5): cross-tenant probes on every API route and settings page, read from the router
// (app.routes), never from a hand-kept list, and a CSRF probe on every form route. Company A's admin (a company
// user, not the self-hosted admin who may see every company) and A's API token aim every route at company B's
// objects (its connection, customer, pause, task, outbox row, user, token): no answer may show B's data, and B's
// rows in every table that has a tenant_id (read from the schema) must be byte for byte as before. Every form
// route posted without its CSRF token, or from another origin, is refused and changes nothing of A's. Then every
// form found on A's pages is submitted with markup in each of its fields, and no page shows that markup unescaped.
import { afterAll, describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createSite as createUi } from '../../src/http/app.js';
import { openPause } from '../../src/store/pauses.js';
import { createInvitation, upsertUser } from '../../src/store/team.js';
import { taskOpener } from '../../src/worklist/open.js';
import { listTasks } from '../../src/worklist/store.js';
import { Browser, ORIGIN, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';
import { chaosSeed, record } from './report.js';

const sql = useDatabase();
const SEED = chaosSeed();
const NOW = new Date('2026-11-24T10:00:00Z');
const app = createUi(uiDeps(sql, { now: () => NOW, mail: async () => undefined }));
const figures: Record<string, unknown>[] = [];
afterAll(() => record('security', SEED, figures));

/** Routes anyone may call (sign-in, assets, OAuth, invitations and the portal, which a token of their own guards). */
const PUBLIC = /^\/(signin|signout|lang|assets|favicon|install|oauth|invite|p\/|openapi\.json$|$)/;
/** B's words that must never reach A. */
const B_MARKERS = ['Zeta Confidentiel SARL', 'ZX-9001', 'Société Bêta Secrète'] as const;

async function companyB() {
  const b = await seedTenant(sql, [customer('bc1', B_MARKERS[0])], [invoice('ZX-9001', 'bc1', '2026-09-15', '4321.00')]);
  await sql`update tenants set name = ${B_MARKERS[2]} where id = ${b.tenant.id}`;
  const pause = await openPause(sql, b.tenant.id, b.connection.id, { kind: 'dispute', reason: 'B dispute', owner: 'o', startsOn: '2026-11-20', customerExternalId: 'bc1', invoiceExternalId: 'ZX-9001', instalments: [] }, 'test');
  await taskOpener(sql, { now: () => NOW })({ tenantId: b.tenant.id, connectionId: b.connection.id, kind: 'call', customerExternalId: 'bc1', invoiceExternalIds: ['ZX-9001'], dueOn: '2026-11-24', sourceKey: 'b-call' });
  const [task] = await listTasks(sql, b.tenant.id, '2026-11-24', {});
  await runEvaluation(sql, b.tenant.id, b.connection.id, NOW);
  const [outbox] = await sql<{ id: string }[]>`select id::text from outbox where tenant_id = ${b.tenant.id} limit 1`;
  const user = await upsertUser(sql, b.tenant.id, 'boss@b.example', 'admin', 'test');
  await sql`insert into api_tokens (tenant_id, name, prefix, token_hash) values (${b.tenant.id}, 'B CI', 'rl_bbbb', 'b-hash')`.catch(() => undefined);
  const [token] = await sql<{ id: string }[]>`select id::text from api_tokens where tenant_id = ${b.tenant.id} limit 1`;
  return { ...b, pauseId: String((pause as { id?: string; pause?: { id: string } }).pause?.id ?? (pause as { id?: string }).id), taskId: task?.id ?? '', outboxId: outbox?.id ?? '', userId: user.id, tokenId: token?.id ?? '' };
}

/** Markup a field may carry: shown escaped, it is harmless text; shown as is, it runs. */
const XSS_MARK = '<img src=x onerror=relanceXss(1)>';
const XSS = `"'><script>relanceXss(2)</script>${XSS_MARK}`;

/** The POST forms of a page: their action and fields (text-like fields take markup; others keep their value). */
function formsIn(html: string): { action: string; fields: { name: string; kind: 'text' | 'fixed'; value: string }[] }[] {
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1];
  const decode = (v: string) => v.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const out: ReturnType<typeof formsIn> = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    if ((attr(m[1]!, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = decode(attr(m[1]!, 'action') ?? '');
    if (!action.startsWith('/')) continue;
    const fields: { name: string; kind: 'text' | 'fixed'; value: string }[] = [];
    for (const f of m[2]!.matchAll(/<(input|textarea|select)\b([^>]*)>([\s\S]*?<\/select>)?/gi)) {
      const name = attr(f[2]!, 'name');
      if (!name) continue;
      const type = (attr(f[2]!, 'type') ?? (f[1]!.toLowerCase() === 'input' ? 'text' : f[1]!.toLowerCase())).toLowerCase();
      if (['text', 'textarea', 'email', 'search', 'tel', 'url'].includes(type)) fields.push({ name, kind: 'text', value: '' });
      else if (type === 'select') fields.push({ name, kind: 'fixed', value: decode(/<option\b[^>]*value="([^"]*)"/i.exec(f[3] ?? '')?.[1] ?? '') });
      else if (!['submit', 'button', 'file', 'checkbox', 'radio'].includes(type) || /checked/i.test(f[2]!)) fields.push({ name, kind: 'fixed', value: decode(attr(f[2]!, 'value') ?? '') });
    }
    out.push({ action, fields });
  }
  return out;
}

/** Every table with a tenant_id column, from the schema, and B's rows in it as one digest per table. */
async function snapshot(tenantId: string): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.columns where column_name = 'tenant_id' and table_schema = current_schema() order by table_name`;
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = await sql.unsafe<{ d: string | null }[]>(`select md5(string_agg(t::text, '|' order by t::text)) as d from "${table_name}" t where tenant_id = $1`, [tenantId]);
    out[table_name] = row!.d ?? '';
  }
  return out;
}

describe('chaos, security', () => {
  it('no route lets company A read or change company B, and no form works without its CSRF token', { timeout: 600_000 }, async () => {
    const a = await seedTenant(sql, [customer('ac1', 'Alpha Client')], [invoice('A-1', 'ac1', '2026-10-01', '100.00')]);
    const b = await companyB();
    // A's admin, a company user: invited and signed in through the link, as a person would be.
    const aUser = await upsertUser(sql, a.tenant.id, 'admin@a.example', 'admin', 'test');
    const asA = new Browser(app, { 'accept-language': 'fr-FR' });
    expect((await asA.request(`/invite/${await createInvitation(sql, a.tenant.id, aUser.id, 'test', NOW)}`, { form: {} })).status).toBe(303);
    const tokenPage = await (await asA.post('/settings/tokens', { name: 'A CI' })).text();
    const aToken = /data-testid="new-token">([^<]+)</.exec(tokenPage)?.[1];
    expect(aToken, 'A’s API token').toBeTruthy();

    const value = (path: string, name: string): string => {
      if (name === 'connectionId') return b.connection.id;
      if (name === 'customerId') return 'bc1';
      if (name === 'pauseId') return b.pauseId;
      if (name === 'provider') return 'quickbooks';
      if (name === 'entity') return 'invoice';
      if (name === 'key') return b.outboxId;
      if (name === 'decision') return 'accept';
      if (name !== 'id') return b.outboxId;
      if (/connections/.test(path)) return b.connection.id;
      if (/tasks/.test(path)) return b.taskId;
      if (/pauses/.test(path)) return b.pauseId;
      if (/outbox/.test(path)) return b.outboxId;
      if (/team/.test(path)) return b.userId;
      if (/tokens/.test(path)) return b.tokenId;
      return b.outboxId;
    };
    // Every field a form or an API body could carry, aimed at B.
    const fields = { tenantId: b.tenant.id, connectionId: b.connection.id, customerId: 'bc1', customerExternalId: 'bc1', invoiceExternalId: 'ZX-9001', id: b.taskId, kind: 'hold', reason: 'probe', owner: 'probe', startsOn: '2026-11-24', until: '2027-01-31', role: 'admin', email: 'probe@a.example', name: 'probe', userId: b.userId, company: 'x', enabled: 'on', on: 'true' };

    const before = await snapshot(b.tenant.id);
    const routes = [...new Map(app.routes.filter((r) => r.method !== 'ALL' && !PUBLIC.test(r.path)).map((r) => [`${r.method} ${r.path}`, r])).values()];
    const leaks: string[] = [];
    let probes = 0;
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(value(r.path, name)));
      const api = path.startsWith('/api/');
      const answers: Response[] = [];
      if (api) {
        const init = { method: r.method, headers: { authorization: `Bearer ${aToken}`, 'content-type': 'application/json' } } as RequestInit;
        if (r.method !== 'GET') init.body = JSON.stringify(fields);
        answers.push(await app.request(path, init));
      } else if (r.method === 'GET') answers.push(await asA.request(path));
      else answers.push(await asA.post(path, fields));
      probes++;
      for (const res of answers) {
        const text = await res.text().catch(() => '');
        for (const m of B_MARKERS) if (text.includes(m)) leaks.push(`${r.method} ${path} answered ${res.status} with "${m}"`);
      }
    }
    // Switching to B's company is refused too: A's pages still show A.
    await asA.post('/tenants/switch', { tenantId: b.tenant.id });
    const dashboard = await (await asA.request('/customers')).text();
    for (const m of B_MARKERS) if (dashboard.includes(m)) leaks.push(`after POST /tenants/switch, /customers shows "${m}"`);
    probes++;
    const after = await snapshot(b.tenant.id);
    const changed = Object.keys(before).filter((t) => before[t] !== after[t]);

    // CSRF: every form route, without the token and with it from another origin.
    const aBefore = await snapshot(a.tenant.id);
    const forms = routes.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/'));
    const accepted: string[] = [];
    for (const r of forms) {
      const path = r.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(name === 'connectionId' || name === 'id' ? a.connection.id : name === 'customerId' ? 'ac1' : 'x'));
      const bare = await asA.request(path, { form: { ...fields, tenantId: a.tenant.id, connectionId: a.connection.id } });
      const foreign = await asA.request(path, { form: { _csrf: await asA.csrf('/customers'), ...fields }, headers: { origin: 'https://evil.example' } });
      for (const [how, res] of [['no token', bare], ['foreign origin', foreign]] as const) if (res.status !== 403) accepted.push(`${r.method} ${r.path} (${how}) answered ${res.status}`);
    }
    const aAfter = await snapshot(a.tenant.id);
    // The session's own row moves with every request (when it was last seen); nothing else of A's may.
    const aChanged = Object.keys(aBefore).filter((t) => t !== 'sessions' && aBefore[t] !== aAfter[t]);

    // XSS: every form on every page A can open, each text field carrying markup; then every page again.
    const pages = routes.filter((r) => r.method === 'GET' && !r.path.startsWith('/api/') && !/\.(pdf|css|js)$|\/file$|\/logo$/.test(r.path));
    const aPath = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(name === 'connectionId' || name === 'id' ? a.connection.id : name === 'customerId' ? 'ac1' : 'x'));
    const submitted = new Set<string>();
    let xssPosts = 0;
    const echoed: string[] = [];
    let echoedAsText = 0;
    for (const r of pages) {
      const html = await (await asA.request(aPath(r.path))).text();
      for (const form of formsIn(html)) {
        if (submitted.has(form.action) || /signout|tenants\/switch|disconnect|revoke|remove|delete|tokens/.test(form.action)) continue;
        submitted.add(form.action);
        const body: Record<string, string> = {};
        for (const f of form.fields) body[f.name] = f.kind === 'text' ? XSS : f.value;
        // The answer itself (a form shown again with its errors and what was typed) must not run it either.
        const answer = await (await asA.request(form.action, { form: body })).text();
        if (answer.includes(XSS_MARK)) echoed.push(`POST ${form.action} echoes the markup as markup`);
        if (answer.includes('&lt;img src=x onerror=relanceXss(1)&gt;')) echoedAsText++;
        xssPosts++;
      }
    }
    const unescaped: string[] = [];
    let escaped = 0;
    for (const r of pages) {
      const html = await (await asA.request(aPath(r.path))).text();
      if (html.includes(XSS_MARK)) unescaped.push(`${r.path} shows the markup as markup`);
      if (html.includes('&lt;img src=x onerror=relanceXss(1)&gt;')) escaped++;
    }
    // The probe reached the pages: some show what was typed, as text.
    expect(escaped + echoedAsText, 'pages and answers showing the typed markup as text').toBeGreaterThan(0);
    expect(xssPosts, 'forms submitted with markup').toBeGreaterThan(10);

    figures.push({ subject: 'routes', xssForms: xssPosts, xssPagesChecked: pages.length * 2, xssUnescaped: unescaped.length, xssPagesShowingItAsText: escaped, xssAnswersEchoingItAsText: echoedAsText, xssAnswersUnescaped: echoed.length, seed: SEED, routesProbed: routes.length, probes, tablesWatched: Object.keys(before).length, crossTenantLeaks: leaks.length, bTablesChanged: changed.length, formRoutes: forms.length, csrfProbes: forms.length * 2, csrfAccepted: accepted.length, aTablesChangedByCsrf: aChanged.length });
    expect(routes.length).toBeGreaterThan(40);
    expect(leaks, leaks.join('\n')).toEqual([]);
    expect(changed, `B's tables changed by A: ${changed.join(', ')}`).toEqual([]);
    expect(accepted, accepted.join('\n')).toEqual([]);
    expect([...unescaped, ...echoed], [...unescaped, ...echoed].join('\n')).toEqual([]);
    expect(aChanged, `A's tables changed without a CSRF token: ${aChanged.join(', ')}`).toEqual([]);
  });
});
