// The team over HTTP, on the real database and a real SMTP server: an admin invites by email, the link signs the
// member in once, a member sees only their company, and each role may change only what it is allowed to (403 else,
// with nothing changed), on the pages and in the API; every change is in the activity log with who made it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../../src/actions/email.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { listActivity } from '../../../src/store/activity.js';
import { listApiTokens } from '../../../src/store/auth.js';
import { listPauses } from '../../../src/store/pauses.js';
import { createTenant } from '../../../src/store/tenants.js';
import { taskOpener } from '../../../src/worklist/open.js';
import { listTasks } from '../../../src/worklist/store.js';
import { startSmtpSink, type SmtpSink } from '../../actions/smtp-sink.js';
import { useDatabase } from '../../support/db.js';
import { ADMIN, Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';

const sql = useDatabase();
let sink: SmtpSink;
let app: ReturnType<typeof createUi>;
const NOW = new Date('2026-11-24T10:00:00Z');
const TODAY = '2026-11-24';

beforeAll(async () => {
  sink = await startSmtpSink();
  const from = 'Relance <relance@team.test>';
  const transport = createSmtpTransport({ host: '127.0.0.1', port: sink.port, secure: false, from });
  app = createUi(uiDeps(sql, { mail: async (m) => void (await transport.sendMail({ from, ...m })) }, { PUBLIC_URL: 'https://relance.example' }));
});
afterAll(async () => sink?.stop());

/** The invitation the sink received for `email`: its link's path. */
function invitationPath(email: string): string {
  const mail = [...sink.messages].reverse().find((m) => m.rcptTo.includes(email));
  if (!mail) throw new Error(`no invitation for ${email}`);
  const link = /https:\/\/relance\.example(\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return link;
}

async function invite(admin: Browser, email: string, role: string): Promise<string> {
  const res = await admin.post('/settings/team/invite', { email, role });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain(`Invitation envoyée à ${email}`);
  return invitationPath(email);
}

async function member(path: string): Promise<Browser> {
  const b = new Browser(app, { 'accept-language': 'fr-FR' });
  const res = await b.request(path, { form: {} });
  expect(res.status).toBe(303);
  return b;
}

async function company() {
  const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c2', '2026-11-10', '450.00')]);
  const open = taskOpener(sql, { now: () => NOW });
  await open({ tenantId: t.tenant.id, connectionId: t.connection.id, kind: 'call', customerExternalId: 'c1', invoiceExternalIds: ['1'], dueOn: TODAY, sourceKey: 'call-1' });
  await open({ tenantId: t.tenant.id, connectionId: t.connection.id, kind: 'dispute', customerExternalId: 'c2', invoiceExternalIds: ['2'], dueOn: TODAY, sourceKey: 'dispute-2' });
  const tasks = await listTasks(sql, t.tenant.id, TODAY, {});
  return { ...t, call: tasks.find((x) => x.kind === 'call')!, dispute: tasks.find((x) => x.kind === 'dispute')! };
}

describe('invitations', () => {
  it('send a single-use sign-in link by SMTP; the member lands on their tasks, bound to their company', async () => {
    const a = await company();
    const other = await createTenant(sql, { name: 'Autre Société' });
    const admin = new Browser(app, { 'accept-language': 'fr-FR' });
    await admin.signIn(a.tenant.id);
    const path = await invite(admin, 'ann@team.example', 'collector');
    const mail = sink.messages.find((m) => m.rcptTo.includes('ann@team.example'))!;
    expect(mail.subject).toBe(`Invitation à rejoindre ${a.tenant.name} sur Relance`);
    expect(mail.text).toContain('comme chargé de recouvrement');
    expect(mail.html).toContain(`href="https://relance.example${path}"`);
    // Only the token's hash is stored.
    expect(await sql`select 1 from invitations where token_hash = ${path.split('/').pop()!}`).toHaveLength(0);

    // Opening the link (a mail scanner, a preview) does not spend it; signing in does, once.
    const landing = new Browser(app, { 'accept-language': 'fr-FR' });
    expect((await landing.request(path)).status).toBe(200);
    expect(await (await landing.request(path)).text()).toContain('Vous êtes invité(e) comme chargé de recouvrement avec l’adresse ann@team.example');
    const res = await landing.request(path, { form: {} });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/tasks');
    const replay = new Browser(app, { 'accept-language': 'fr-FR' });
    const again = await replay.request(path, { form: {} });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('erroné, expiré ou déjà utilisé');
    expect((await replay.request('/tasks')).status).toBe(302);

    // Signed in: their company only.
    const tasks = await (await landing.request('/tasks?view=all')).text();
    expect(tasks).toContain('Garage Leroy');
    expect(tasks).toContain('Boulangerie Martin');
    const picker = await (await landing.request('/tenants')).text();
    expect(picker).toContain(a.tenant.name);
    expect(picker).not.toContain('Autre Société');
    expect((await landing.post('/tenants/switch', { tenantId: other.id })).status).toBe(403);
    expect((await landing.request('/tasks')).status).toBe(200);

    // Removed from the team: the session ends at the next request.
    const [ann] = await sql<{ id: string }[]>`select id from users where tenant_id = ${a.tenant.id} and email = 'ann@team.example'`;
    expect((await admin.post(`/settings/team/${ann!.id}/remove`)).status).toBe(303);
    expect((await landing.request('/tasks')).status).toBe(302);
    await sql`delete from tenants where id = ${other.id}`;
  });
});

describe('roles', () => {
  it('a viewer reads everything and changes nothing: every attempt is 403 and nothing changes', async () => {
    const a = await company();
    const admin = new Browser(app, { 'accept-language': 'fr-FR' });
    await admin.signIn(a.tenant.id);
    const viewer = await member(await invite(admin, 'vic@team.example', 'viewer'));
    for (const path of ['/tasks?view=all', '/customers', `/customers/${a.connection.id}/c1`, '/policy', '/settings/team', '/activity']) expect((await viewer.request(path)).status, path).toBe(200);
    // No form to work a task on the viewer's page.
    expect(await (await viewer.request('/tasks?view=all')).text()).not.toContain('data-snooze');
    const tokensBefore = (await listApiTokens(sql, a.tenant.id)).length;
    const attempts: [string, Record<string, string>][] = [
      [`/tasks/${a.call.id}/snooze`, { until: '2026-12-01' }],
      [`/tasks/${a.call.id}/done`, { outcome: 'promise', on: '2026-12-01' }],
      [`/customers/${a.connection.id}/c1/pauses`, { kind: 'hold', reason: 'x', owner: 'v' }],
      [`/customers/${a.connection.id}/c1/collector`, { userId: '' }],
      ['/policy', { json: '{}' }],
      ['/templates', { id: 'fr.reminder-1' }],
      ['/settings/team/invite', { email: 'eve@team.example', role: 'admin' }],
      ['/settings/tokens', { name: 'mine' }],
      [`/connections/${a.connection.id}/sending`, { enabled: 'on' }],
      [`/connections/${a.connection.id}/disconnect`, {}],
      ['/settings/company', { name: 'x' }],
    ];
    for (const [path, form] of attempts) {
      const res = await viewer.post(path, form);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain('Votre rôle (Lecture seule) ne permet pas cette modification');
    }
    expect((await listTasks(sql, a.tenant.id, TODAY, {})).map((t) => t.state)).toEqual(['open', 'open']);
    expect(await listPauses(sql, a.tenant.id)).toEqual([]);
    expect((await listApiTokens(sql, a.tenant.id)).length).toBe(tokensBefore);
    expect(sink.messages.some((m) => m.rcptTo.includes('eve@team.example'))).toBe(false);
    expect((await listActivity(sql, a.tenant.id)).filter((x) => x.actor === 'vic@team.example')).toEqual([]);
  });

  it('a collector works the list and the pauses, but not the settings; what they do carries their name', async () => {
    const a = await company();
    const admin = new Browser(app, { 'accept-language': 'fr-FR' });
    await admin.signIn(a.tenant.id);
    const col = await member(await invite(admin, 'col@team.example', 'collector'));
    // All tasks narrowed to the owner: nobody owns these two yet.
    const [colUser] = await sql<{ id: string }[]>`select id from users where tenant_id = ${a.tenant.id} and email = 'col@team.example'`;
    const owned = async (owner: string) => ((await (await col.request(`/tasks?view=all&owner=${owner}`)).text()).match(/data-task="/g) ?? []).length;
    expect([await owned('none'), await owned(colUser!.id), await owned('')]).toEqual([2, 0, 2]);
    expect((await admin.post(`/customers/${a.connection.id}/c1/collector`, { userId: colUser!.id })).status).toBe(303);
    expect([await owned('none'), await owned(colUser!.id), await owned('')]).toEqual([1, 1, 2]);
    expect((await col.post(`/tasks/${a.dispute.id}/snooze`, { until: '2026-11-27' })).status).toBe(303);
    expect((await col.post(`/tasks/${a.call.id}/done`, { outcome: 'promise', on: '2026-12-05', amount: '400,50' })).status).toBe(303);
    expect((await listPauses(sql, a.tenant.id, { customerExternalId: 'c1' })).map((p) => [p.kind, p.expiresOn, p.amount, p.owner])).toEqual([['promise', '2026-12-05', '400.50', 'col@team.example']]);
    for (const path of ['/policy', '/settings/team/invite', '/settings/tokens', `/customers/${a.connection.id}/c1/collector`, `/connections/${a.connection.id}/sending`]) expect((await col.post(path, {})).status, path).toBe(403);
    const log = await listActivity(sql, a.tenant.id);
    expect(log.filter((x) => x.actor === 'col@team.example').map((x) => x.kind).sort()).toEqual(['answered', 'task', 'task']);
    // The admin's invitation is a settings change with the admin's name.
    expect(log.filter((x) => x.kind === 'changed').map((x) => [x.reason, x.actor])).toEqual([
      [`POST /customers/${a.connection.id}/c1/collector`, ADMIN.email],
      ['POST /settings/team/invite', ADMIN.email],
    ]);
    // The activity page says it in French, with the names.
    const page = await (await admin.request('/activity')).text();
    expect(page).toContain('Équipe · par admin@example.com');
    expect(page).toContain('Appel · terminée · Promesse de paiement · par col@team.example');
  });

  it('a customer page lists that customer’s open tasks, worked there as on the list: closing one comes back to the page', async () => {
    const a = await company();
    const admin = new Browser(app, { 'accept-language': 'fr-FR' });
    await admin.signIn(a.tenant.id);
    const page = async (id: string) => (await (await admin.request(`/customers/${a.connection.id}/${id}`)).text()).replace(/\u00a0|\u202f/g, ' ');
    const c1 = await page('c1');
    expect(c1).toContain('Tâches en cours (1)');
    expect(c1).toContain(`data-task="${a.call.id}"`);
    // Only this customer's: c2's dispute is on c2's page.
    expect(c1).not.toContain(`data-task="${a.dispute.id}"`);
    expect(await page('c2')).toContain(`data-task="${a.dispute.id}"`);
    const back = `/customers/${a.connection.id}/c1`;
    const done = await admin.post(`/tasks/${a.call.id}/done`, { outcome: 'no_answer', back });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${back}?msg=taskClosed`);
    expect(await page('c1')).not.toContain('data-customer-tasks');
    // A back link elsewhere than the list or a customer page goes to the list.
    const elsewhere = await admin.post(`/tasks/${a.dispute.id}/snooze`, { until: '2026-11-30', back: '/settings/team' });
    expect(elsewhere.headers.get('location')).toBe('/tasks?msg=taskSnoozed');
  });

  it('an API token has a role: a viewer token reads, and its changes are refused with 403', async () => {
    const a = await company();
    const admin = new Browser(app, { 'accept-language': 'fr-FR' });
    await admin.signIn(a.tenant.id);
    const tokenOf = async (role: string) => /data-testid="new-token">([^<]+)</.exec(await (await admin.post('/settings/tokens', { name: role, role })).text())![1]!;
    const viewer = await tokenOf('viewer');
    const collector = await tokenOf('collector');
    const call = (token: string, method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const listed = (await (await call(viewer, 'GET', '/api/v1/tasks')).json()) as { tasks: { id: string; kind: string; priority: string }[] };
    expect(listed.tasks.map((t) => t.kind)).toEqual(['call', 'dispute']);
    // 900 × 40 days (15 Oct → 24 Nov) × watch (40 days overdue) 2 = 72,000.
    expect(listed.tasks[0]!.priority).toBe('72000.00');
    for (const [method, path, body] of [
      ['POST', `/api/v1/tasks/${a.call.id}/snooze`, { until: '2026-12-01' }],
      ['POST', `/api/v1/tasks/${a.call.id}/done`, { outcome: 'no_answer' }],
      ['PUT', '/api/v1/policy', {}],
      ['POST', `/api/v1/connections/${a.connection.id}/pauses`, { kind: 'hold', reason: 'x', owner: 'v', customerExternalId: 'c1' }],
      ['PUT', `/api/v1/connections/${a.connection.id}/sending`, { enabled: true }],
    ] as const) {
      const res = await call(viewer, method, path, body);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe('forbidden');
    }
    expect((await call(collector, 'PUT', `/api/v1/connections/${a.connection.id}/sending`, { enabled: true })).status).toBe(403);
    const done = await call(collector, 'POST', `/api/v1/tasks/${a.call.id}/done`, { outcome: 'promise', on: '2026-12-10' });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: 'done', outcome: 'promise', doneBy: 'api token "collector" (' + collector.slice(0, 9) + '…)' });
    expect((await listPauses(sql, a.tenant.id)).map((p) => [p.kind, p.expiresOn])).toEqual([['promise', '2026-12-10']]);
    expect((await call(collector, 'POST', `/api/v1/tasks/${a.call.id}/done`, { outcome: 'no_answer' })).status).toBe(422);

    // Another company's admin and token: A's tasks are not found, and stay as they were.
    const b = await company();
    const otherAdmin = new Browser(app, { 'accept-language': 'fr-FR' });
    await otherAdmin.signIn(b.tenant.id);
    const otherToken = /data-testid="new-token">([^<]+)</.exec(await (await otherAdmin.post('/settings/tokens', { name: 'b', role: 'admin' })).text())![1]!;
    expect((await call(otherToken, 'GET', `/api/v1/tasks/${a.dispute.id}`)).status).toBe(404);
    expect((await call(otherToken, 'POST', `/api/v1/tasks/${a.dispute.id}/snooze`, { until: '2026-12-01' })).status).toBe(404);
    expect((await otherAdmin.post(`/tasks/${a.dispute.id}/done`, { outcome: 'done' })).status).toBe(404);
    expect(((await (await call(otherToken, 'GET', '/api/v1/tasks?state=all')).json()) as { tasks: { id: string }[] }).tasks.map((t) => t.id).sort()).toEqual([b.call.id, b.dispute.id].sort());
    expect((await listTasks(sql, a.tenant.id, TODAY, { state: 'all', kind: 'dispute' }))[0]).toMatchObject({ state: 'open' });
  });
});
