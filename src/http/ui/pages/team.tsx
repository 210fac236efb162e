/** @jsxImportSource hono/jsx */
// The team page (members, roles, invitations), the invitation link's landing, the refusal page for a role that may not
// change something, the collector assignment of a customer, and the activity record of every change with who made it.
import type { Hono } from 'hono';
import { isRole, type Role } from '../../../model/role.js';
import type { User } from '../../../store/team.js';
import { acceptInvitation, addMember, assignCustomerCollector, changeRole, invitationOf, memberOf, newInvitation, recordSettingsChange, removeMember, teamOf } from '../../../app/team.js';
import { cookiePolicy, signIn } from '../../auth/session.js';
import { canWrite } from '../../auth/roles.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { DICTS, fill, formatDate, type Dict } from '../i18n.js';
import { Badge, Csrf, Document, Flash, Page, render } from '../layout.js';
import { Card, Empty, Table } from '../components.js';

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,190}\.[^\s@<>]{2,}$/;

/** The base of links sent by email: the public URL, else this service's own address. */
const baseUrl = (deps: UiDeps) => (deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`).replace(/\/$/, '');

export const roleLabel = (t: Dict, role: Role) => t[`role_${role}`];

/** The answer to a change the signed-in role may not make: 403, in the reader's language. */
export function forbiddenPage(c: UiContext): Response | Promise<Response> {
  const t = c.get('t');
  const text = fill(t.forbiddenBody, { role: roleLabel(t, c.get('role')) });
  if (c.req.header('accept')?.includes('application/json')) return c.json({ error: 'forbidden', message: text }, 403);
  return c.html(
    `<!doctype html>${String(
      <Document lang={c.get('lang')} title={t.forbiddenTitle}>
        <div class="signin">
          <div class="card" data-forbidden>
            <h2>{t.forbiddenTitle}</h2>
            <p>{text}</p>
            <p>
              <a href="/tasks">{t.tasks}</a> · <a href="/dashboard">{t.dashboard}</a>
            </p>
          </div>
        </div>
      </Document>,
    )}`,
    403,
  );
}

/** What a change was about, in a word the activity page can translate (a menu entry). */
const AREAS: [RegExp, keyof Dict][] = [
  [/^\/policy/, 'policy'],
  [/^\/templates/, 'templates'],
  [/^\/connections|^\/oauth/, 'connections'],
  [/^\/settings\/team/, 'team'],
  [/^\/settings\/company/, 'companyProfile'],
  [/^\/settings\/tokens/, 'apiTokens'],
  [/^\/mappings/, 'mappings'],
  [/^\/customers/, 'customers'],
  [/^\/activity/, 'activity'],
];
/** Paths that record their own, more precise entry (or change nothing of the company). */
const SELF_RECORDED = [/^\/signin$/, /^\/signout$/, /^\/lang$/, /^\/tenants(\/switch)?$/, /^\/invite\//, /^\/tasks\//, /\/sending$/];

/** After a change succeeded: one activity entry with who made it (kind `changed`, the area and path as data). */
export async function recordChange(deps: UiDeps, c: UiContext): Promise<void> {
  const method = c.req.method;
  const path = c.req.path;
  const tenant = c.get('tenant');
  if (method === 'GET' || method === 'HEAD' || !tenant || c.res.status >= 400 || SELF_RECORDED.some((r) => r.test(path))) return;
  const area = AREAS.find(([r]) => r.test(path))?.[1] ?? null;
  await recordSettingsChange(deps, tenant.id, { method, path, status: c.res.status, area, actor: c.get('session').email });
}

/** The activity page's words for a change or a worklist event, or null for other kinds. */
export function changeText(a: { kind: string; actor: string | null; proof: unknown }, t: Dict, lang: 'en' | 'fr'): string | null {
  const p = (a.proof ?? {}) as Record<string, unknown>;
  const by = a.actor ? ` · ${t.by} ${a.actor}` : '';
  if (a.kind === 'changed') return `${typeof p.area === 'string' && p.area in t ? t[p.area as keyof Dict] : t.kind_changed}${by}`;
  if (a.kind !== 'task') return null;
  const kind = typeof p.taskKind === 'string' ? (t[`taskKind_${p.taskKind}` as keyof Dict] ?? '') : '';
  const what =
    p.event === 'snoozed'
      ? fill(t.taskState_snoozed, { date: formatDate(String(p.until ?? ''), lang) })
      : p.event === 'done'
        ? `${t.taskState_done} · ${t[`outcome_${String(p.outcome)}` as keyof Dict] ?? ''}`
        : t.taskState_open;
  return `${kind ? `${kind} · ` : ''}${what}${by}`;
}

/**
 * A pause opened by an answer (portal/answers.ts writes its reason in English, `portal: …` or `call: …`) in the
 * reader's words: the channel, then what was answered; null for a reason a person typed (shown as typed).
 */
export function answerReasonText(reason: string, t: Dict): string | null {
  const m = /^(portal|call): (.*)$/s.exec(reason);
  if (!m) return null;
  const channel = m[1] === 'call' ? t.channel_call : t.channel_portal;
  const rest = m[2]!;
  if (rest === 'promise to pay') return `${channel} · ${t.answerKind_promise}`;
  if (rest === 'payment plan accepted') return `${channel} · ${t.answerKind_plan} (${t.answerState_accepted})`;
  if (rest.startsWith('already paid')) return `${channel} · ${t.answerKind_paid}`;
  const dispute = /^(not_received|quality|quantity|price|not_ordered|other)(?: — (.*))?$/s.exec(rest);
  if (dispute) return `${channel} · ${t.answerKind_dispute}${dispute[2] ? ` — ${dispute[2]}` : ''}`;
  return null;
}

/** Sends an invitation link to a member: by email when a mail transport is configured, else returned to show. */
async function sendInvitation(deps: UiDeps, c: UiContext, user: User): Promise<{ sent: boolean; link: string; error?: string }> {
  const tenant = tenantOf(c);
  const by = c.get('session').email;
  const token = await newInvitation(deps, tenant.id, user.id, by);
  const link = `${baseUrl(deps)}/invite/${token}`;
  if (!deps.mail) return { sent: false, link };
  // The invitation is in the company's language (the invitee has not chosen one yet).
  const t = DICTS[tenant.locale === 'en' ? 'en' : 'fr'];
  const vars = { by, company: tenant.name, role: roleLabel(t, user.role).toLowerCase(), link };
  const text = fill(t.inviteMailBody, vars);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const html = `<p>${esc(fill(t.inviteMailBody.split('\n')[0]!, vars))}</p><p><a href="${esc(link)}">${esc(t.inviteAccept)}</a></p><p>${esc(link)}</p>`;
  try {
    await deps.mail({ to: user.email, subject: fill(t.inviteMailSubject, { company: tenant.name }), text, html });
    return { sent: true, link };
  } catch (err) {
    return { sent: false, link, error: (err as Error).message };
  }
}

export function teamRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const page = async (c: UiContext, flash?: { tone: 'ok' | 'bad' | 'info'; text: string; link?: string }, status: 200 | 422 = 200) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const { users, pending } = await teamOf(deps, tenant.id);
    const csrf = c.get('session').csrfToken;
    const admin = c.get('role') === 'admin';
    return render(
      c,
      <Page c={c} title={t.team} active="team" tenants={await visibleTenants(c, deps)} subtitle={t.teamHint}>
        <p class="hint" data-me>
          {fill(t.youAre, { email: c.get('session').email, role: roleLabel(t, c.get('role')) })}
        </p>
        {flash ? (
          <Flash tone={flash.tone}>
            {flash.text}
            {flash.link ? (
              <code class="token" data-testid="invite-link">
                {flash.link}
              </code>
            ) : null}
          </Flash>
        ) : null}
        {admin ? (
          <Card title={t.inviteTitle}>
            <p class="hint">{t.inviteHint}</p>
            <form method="post" action="/settings/team/invite">
              <Csrf token={csrf} />
              <div class="row">
                <div class="field">
                  <label for="invite-email">{t.email}</label>
                  <input id="invite-email" type="email" name="email" required maxlength={254} autocomplete="off" />
                </div>
                <div class="field">
                  <label for="invite-role">{t.role}</label>
                  <select id="invite-role" name="role">
                    {(['collector', 'viewer', 'admin'] as const).map((r) => (
                      <option value={r}>{`${roleLabel(t, r)} — ${t[`roleHint_${r}`]}`}</option>
                    ))}
                  </select>
                </div>
              </div>
              <button type="submit">{t.invite}</button>
            </form>
          </Card>
        ) : null}
        <div class="card table-wrap">
          {users.length === 0 ? (
            <Empty>{t.noMembers}</Empty>
          ) : (
            <Table class="stack" data-team wrap={false} head={[t.email, t.role, t.created, admin ? '' : null]}>
              {users.map((u) => (
                <tr data-member={u.email}>
                  <td data-label={t.email} class="wide">
                    {u.email} {pending.has(u.id) ? <Badge tone="warn">{t.invitedPending}</Badge> : null}
                  </td>
                  <td data-label={t.role}>
                    {admin ? (
                      <form method="post" action={`/settings/team/${u.id}/role`} class="actions">
                        <Csrf token={csrf} />
                        <select name="role" aria-label={t.role}>
                          {(['admin', 'collector', 'viewer'] as const).map((r) => (
                            <option value={r} selected={u.role === r}>
                              {roleLabel(t, r)}
                            </option>
                          ))}
                        </select>
                        <button class="small secondary" type="submit">
                          {t.changeRole}
                        </button>
                      </form>
                    ) : (
                      roleLabel(t, u.role)
                    )}
                  </td>
                  <td data-label={t.created}>{formatDate(u.createdAt, lang, tenant.timeZone)}</td>
                  {admin ? (
                    <td class="acts">
                      <div class="actions">
                        <form method="post" action={`/settings/team/${u.id}/resend`}>
                          <Csrf token={csrf} />
                          <button class="small secondary" type="submit">
                            {t.resendInvite}
                          </button>
                        </form>
                        <form method="post" action={`/settings/team/${u.id}/remove`}>
                          <Csrf token={csrf} />
                          <button class="small danger" type="submit" data-confirm={`${t.removeMember} ${u.email} ?`}>
                            {t.removeMember}
                          </button>
                        </form>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </Table>
          )}
        </div>
      </Page>,
      status,
    );
  };

  const invited = async (c: UiContext, user: User) => {
    const t = c.get('t');
    const r = await sendInvitation(deps, c, user);
    if (r.sent) return page(c, { tone: 'ok', text: fill(t.invitationSent, { email: user.email }) });
    if (r.error) return page(c, { tone: 'bad', text: fill(t.invitationFailed, { email: user.email, error: r.error }), link: r.link });
    return page(c, { tone: 'info', text: fill(t.invitationLink, { email: user.email }), link: r.link });
  };

  app.get('/settings/team', (c) => page(c));
  app.post('/settings/team/invite', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body['email'] === 'string' ? body['email'].trim() : '';
    const role = body['role'];
    if (!EMAIL.test(email) || !isRole(role)) return page(c, { tone: 'bad', text: c.get('t').inviteBadEmail }, 422);
    const user = await addMember(deps, tenantOf(c).id, email, role, c.get('session').email);
    return invited(c, user);
  });
  app.post('/settings/team/:id/resend', async (c) => {
    const user = await memberOf(deps, tenantOf(c).id, c.req.param('id'));
    if (!user) return c.notFound();
    return invited(c, user);
  });
  app.post('/settings/team/:id/role', async (c) => {
    const body = await c.req.parseBody();
    if (!isRole(body['role']) || !(await changeRole(deps, tenantOf(c).id, c.req.param('id'), body['role']))) return c.notFound();
    return c.redirect('/settings/team?msg=teamUpdated', 303);
  });
  app.post('/settings/team/:id/remove', async (c) => {
    if (!(await removeMember(deps, tenantOf(c).id, c.req.param('id')))) return c.notFound();
    return c.redirect('/settings/team?msg=teamUpdated', 303);
  });

  // A customer's assigned collector (admin only, by the role table); its open tasks follow.
  app.post('/customers/:connectionId/:customerId/collector', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const body = await c.req.parseBody();
    const id = typeof body['userId'] === 'string' ? body['userId'] : '';
    if (!(await assignCustomerCollector(deps, tenant, connectionId, customerId, id, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=collectorAssigned`, 303);
  });
}


export function inviteRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const landing = async (c: UiContext, token: string) => {
    const t = c.get('t');
    const inv = await invitationOf(deps, token);
    const user = inv?.user ?? null;
    const tenant = inv?.tenant ?? null;
    return render(
      c,
      <Document lang={c.get('lang')} title={t.signIn}>
        <div class="signin">
          <div class="card" data-invite={user ? 'valid' : 'invalid'}>
            <div class="brand" style="color:var(--ink);margin-bottom:6px">
              <span class="logo" aria-hidden="true" style="color:#fff">
                R
              </span>
              {t.appName}
            </div>
            {user && tenant ? (
              <>
                <h2>{fill(t.inviteWelcome, { company: tenant.name })}</h2>
                <p>{fill(t.inviteIntro, { role: roleLabel(t, user.role).toLowerCase(), email: user.email })}</p>
                {/* A POST spends the link: a mail scanner that fetches it does not sign anyone in. */}
                <form method="post" action={`/invite/${token}`}>
                  <button type="submit" style="width:100%;justify-content:center">
                    {t.inviteAccept}
                  </button>
                </form>
              </>
            ) : (
              <Flash tone="bad">{t.inviteInvalid}</Flash>
            )}
          </div>
        </div>
      </Document>,
      user ? 200 : 404,
    );
  };
  app.get('/invite/:token', (c) => landing(c, c.req.param('token')));
  app.post('/invite/:token', async (c) => {
    const user = await acceptInvitation(deps, c.req.param('token'));
    if (!user) return landing(c, c.req.param('token'));
    // A member's session is bound to their company, like a marketplace install: no switching, no listing of others.
    await signIn(c, deps.sql, user.email, cookiePolicy(deps.config.PUBLIC_URL), user.tenantId, true, user.id);
    return c.redirect(canWrite(user.role) ? '/tasks' : '/dashboard', 303);
  });
}
