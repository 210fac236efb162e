/** @jsxImportSource hono/jsx */
// Customers and invoices: balances, risk segment, pauses; add a dispute, promise, payment plan or hold, and resolve it.
import type { Hono } from 'hono';
import { Dec, daysBetween, type Invoice } from '../../../model/index.js';
import { PauseKind, type Pause } from '../../../model/collections.js';
import type { StoredAnswer } from '../../../portal/answers.js';
import { answerReasonText } from './team.js';
import type { LinkSummary } from '../../../portal/links.js';
import { nowOf, tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { customerFile } from '../../../app/customer-file.js';
import { CUSTOMER_SORTS, customerOverview, filterCustomers, type CustomerFilter, type CustomerSort } from '../../../app/customers.js';
import { liftPause, setPause } from '../../../app/pauses.js';
import { fill, formatDate, formatMoney, localeOf, type Dict, type Lang } from '../i18n.js';
import type { RiskWhy } from '../../../rules/risk.js';
import { activeOn } from '../../../rules/pause-cover.js';
import { Badge, Csrf, FieldError, Flash, Page, render } from '../layout.js';
import { Card, Empty, PostButton, Table } from '../components.js';
import { CustomerMailCard } from './mail.js';
import { TaskCard } from './tasks.js';
import { InsolvencyCard, RegNoCard, noticeLine } from './insolvency.js';
import { RecoveryCard } from './recovery.js';
import { DeclarationRefused } from '../../../insolvency/declaration-service.js';
import { claimDeclaration, confirmRegistration, forgetRegistration, registerOf, registrationOf } from '../../../app/registration.js';
import { decidePortalAnswer, issuePortalLink, portalAnswerFile, revokePortalLinks } from '../../../app/portal-team.js';
import { canWork } from '../../auth/roles.js';
import type { User } from '../../../store/team.js';

const SEGMENTS: readonly string[] = ['reliable', 'watch', 'bad_payer'];
const INVOICE_FILTERS = ['all', 'open', 'overdue', 'paid'] as const;
type InvoiceFilter = (typeof INVOICE_FILTERS)[number];
const AGES = ['all', '0_30', '31_60', '61_90', '90'] as const;
type Age = (typeof AGES)[number];

/** An invoice row kept by the status and age filters; age is days past due, so a filter on age keeps overdue invoices only. */
export function invoiceMatches(i: Invoice, status: InvoiceFilter, age: Age, today: string): boolean {
  const open = i.status === 'open' || i.status === 'partially_paid';
  const late = open ? daysBetween(i.dueDate, today) : 0;
  if (status === 'open' && !open) return false;
  if (status === 'overdue' && !(open && late > 0)) return false;
  if (status === 'paid' && i.status !== 'paid') return false;
  if (age === 'all') return true;
  const [lo, hi] = { '0_30': [1, 30], '31_60': [31, 60], '61_90': [61, 90], '90': [91, Infinity] }[age];
  return late >= lo! && late <= hi!;
}
export const segmentTone = (s: string) => (s === 'bad_payer' ? 'bad' : s === 'watch' ? 'warn' : 'ok');
const invoiceTone = (i: Invoice, today: string) => (i.status === 'paid' ? 'ok' : i.status === 'void' || i.status === 'draft' ? undefined : i.dueDate < today ? 'bad' : 'info');
const label = (t: Dict, key: string) => (key in t ? t[key as keyof Dict] : key);

export function customerRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/customers', async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const q = (k: string) => c.req.query(k) ?? '';
    const filter: CustomerFilter = {
      q: q('q').slice(0, 100),
      ...(SEGMENTS.includes(q('segment')) ? { segment: q('segment') } : {}),
      overdue: q('overdue') === '1',
      paused: q('paused') === '1',
      sort: (CUSTOMER_SORTS as readonly string[]).includes(q('sort')) ? (q('sort') as CustomerSort) : 'overdue',
    };
    const all = await customerOverview(deps.sql, tenant, nowOf(deps));
    const rows = filterCustomers(all, filter);
    const sortLabel: Record<CustomerSort, string> = { overdue: t.overdue, open: t.openAmount, daysLate: t.daysLateCol, lastReminder: t.lastReminderSort, name: t.customer };
    return render(
      c,
      <Page c={c} title={t.customers} active="customers" tenants={await visibleTenants(c, deps)}>
        <form method="get" action="/customers" class="card filters" role="search">
          <div class="row">
            <div class="field">
              <label for="f-q">{t.searchCustomers}</label>
              <input id="f-q" type="search" name="q" value={filter.q ?? ''} maxlength={100} />
            </div>
            <div class="field">
              <label for="f-segment">{t.segment}</label>
              <select id="f-segment" name="segment">
                <option value="">{t.all}</option>
                {SEGMENTS.map((sg) => (
                  <option value={sg} selected={filter.segment === sg}>
                    {label(t, sg)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-sort">{t.sortBy}</label>
              <select id="f-sort" name="sort">
                {CUSTOMER_SORTS.map((k) => (
                  <option value={k} selected={filter.sort === k}>
                    {sortLabel[k]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="actions">
            <label class="check">
              <input type="checkbox" name="overdue" value="1" checked={filter.overdue} /> {t.onlyOverdue}
            </label>
            <label class="check">
              <input type="checkbox" name="paused" value="1" checked={filter.paused} /> {t.onlyPaused}
            </label>
            <button type="submit" class="small">
              {t.apply}
            </button>
            <span class="hint" data-count={rows.length}>
              {fill(t.customersShown, { n: rows.length, total: all.length })}
            </span>
          </div>
        </form>
        <div class="card table-wrap">
          {rows.length === 0 ? (
            <Empty>{all.length === 0 ? t.noCustomers : t.noCustomerMatches}</Empty>
          ) : (
            <Table class="stack" wrap={false} head={[t.customer, t.segment, { label: t.openAmount, class: 'num' }, { label: t.overdue, class: 'num' }, { label: t.daysLateCol, class: 'num' }, t.lastReminder, t.pauses]}>
              {rows.slice(0, 500).map((r) => (
                <tr data-customer={r.name}>
                  <td data-label={t.customer}>
                    <span>
                      <a href={`/customers/${r.connectionId}/${encodeURIComponent(r.externalId)}`}>{r.name}</a>
                      <div class="hint hide-sm">{r.email ?? ''}</div>
                    </span>
                  </td>
                  <td data-label={t.segment}>
                    <Badge tone={segmentTone(r.segment)}>{label(t, r.segment)}</Badge>
                    {r.insolventSince ? (
                      <>
                        {' '}
                        <span data-insolvent={r.insolventSince}>
                          <Badge tone="bad">{t.insolvencyBadge}</Badge>
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td class="num" data-label={t.openAmount}>{formatMoney(r.open, r.currency, lang)}</td>
                  <td class="num" data-label={t.overdue}>{formatMoney(r.overdue, r.currency, lang)}</td>
                  <td class="num" data-label={t.daysLateCol}>{r.daysLate > 0 ? fill(t.nDays, { n: r.daysLate }) : '—'}</td>
                  <td data-label={t.lastReminder}>{r.lastReminder ? formatDate(r.lastReminder, lang, tenant.timeZone) : t.never}</td>
                  <td data-label={t.pauses}>{r.activePauses ? <Badge tone="warn">{r.activePauses}</Badge> : '—'}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
      </Page>,
    );
  });

  // A SIREN a person confirms (picked among the suggestions or typed), and its removal; the books' number always wins.
  app.post('/customers/:connectionId/:customerId/reg-no', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    if (!(await registrationOf(deps, tenant.id, connectionId, customerId))) return c.notFound();
    const back = `/customers/${connectionId}/${encodeURIComponent(customerId)}`;
    // A SIREN (its checksum checked; a SIRET gives its first 9 digits) or a UK company number; the watch reads it now.
    const saved = await confirmRegistration(deps, tenant.id, connectionId, customerId, String((await c.req.parseBody())['number'] ?? ''), c.get('session').email);
    if (saved === 'not_found') return c.notFound();
    if (saved === 'invalid') return c.redirect(`${back}?regno=invalid#reg-no`, 303);
    return c.redirect(`${back}?msg=regNoSaved#reg-no`, 303);
  });

  app.post('/customers/:connectionId/:customerId/reg-no/forget', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    if (!(await forgetRegistration(deps, tenant.id, connectionId, customerId, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=regNoForgotten#reg-no`, 303);
  });

  // The pre-filled claim declaration (déclaration de créance, or a UK proof of debt) as of the judgment.
  app.get('/customers/:connectionId/:customerId/declaration.pdf', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const guarantees = (c.req.query('guarantees') ?? '').split(/\r?\n/).map((g) => g.trim()).filter(Boolean).slice(0, 10).map((g) => g.slice(0, 200));
    try {
      const d = await claimDeclaration(deps, tenant, connectionId, customerId, { retentionOfTitle: c.req.query('retention') === '1', guarantees, now: nowOf(deps) });
      if (!d) return c.notFound();
      const name = `${d.notice.source === 'bodacc' ? 'declaration-de-creance' : 'proof-of-debt'}-${d.notice.noticeId}.pdf`;
      return c.body(new Uint8Array(d.pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"` });
    } catch (e) {
      // Said on the page in the reader's language, beside the button.
      if (e instanceof DeclarationRefused) return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?declaration=${e.code}#insolvency`, 303);
      throw e;
    }
  });

  const detail = async (c: UiContext, rawErrors: Record<string, string> = {}, values: Record<string, string> = {}, portalUrl: string | null = null) => {
    const t = c.get('t');
    const errors = Object.fromEntries(Object.entries(rawErrors).map(([path, m]) => [path, pauseErrorText(path, m, t)]));
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const connectionId = c.req.param('connectionId') ?? '';
    const customerId = c.req.param('customerId') ?? '';
    const file = await customerFile(deps, tenant, connectionId, customerId, { registerSearch: c.req.query('siren') === 'search' });
    if (!file) return c.notFound();
    const { detail: d, today, notices } = file;
    const csrf = c.get('session').csrfToken;
    const base = `/customers/${connectionId}/${encodeURIComponent(customerId)}`;
    const open = d.invoices.filter((i) => i.status === 'open' || i.status === 'partially_paid');
    const v = (k: string, dflt = '') => values[k] ?? dflt;
    const hasErrors = Object.keys(errors).length > 0;
    const invFilter = (INVOICE_FILTERS as readonly string[]).includes(c.req.query('inv') ?? '') ? (c.req.query('inv') as InvoiceFilter) : 'all';
    const age = (AGES as readonly string[]).includes(c.req.query('age') ?? '') ? (c.req.query('age') as Age) : 'all';
    const shown = d.invoices.filter((i) => invoiceMatches(i, invFilter, age, today));
    // Insolvency notices, newest first: an insolvency pause's reason is said from the notice that wins, in the reader's language.
    const reasonOf = (p: { kind: string; reason: string }) => (p.kind === 'insolvency' && notices[0] ? noticeLine(notices[0], t, lang) : (answerReasonText(p.reason, t) ?? p.reason));
    return render(
      c,
      <Page c={c} title={d.customer.name} active="customers" tenants={await visibleTenants(c, deps)} subtitle={[d.customer.email ?? d.customer.emails[0] ?? '', d.customer.externalId].filter(Boolean).join(' · ')} actions={<a class="button secondary" href="/customers">{t.back}</a>}>
        <div class="card">
          <Badge tone={segmentTone(d.segment)}>{label(t, d.segment)}</Badge>
          {d.riskWhy.length ? <span class="hint"> {d.riskWhy.map((w) => riskText(w, t, lang)).join(' · ')}</span> : null}
        </div>
        <RegNoCard
          state={file.regNo ?? { fromBooks: null, confirmed: null, confirmedBy: null }}
          base={base}
          csrf={csrf}
          canChange={canWork(c.get('role'))}
          register={registerOf(deps, d.customer)}
          search={file.search}
          error={c.req.query('regno') === 'invalid' ? t.regNoInvalid : null}
          t={t}
        />
        <RecoveryCard
          base={base}
          csrf={csrf}
          canChange={canWork(c.get('role'))}
          problem={(['rate_missing', 'to', 'case'] as const).find((x) => x === c.req.query('recovery')) ?? null}
          cases={file.cases}
          today={today}
          lang={lang}
          overdue={open.filter((i) => i.dueDate < today && new Dec(i.amountDue).gt(0) && !d.pauses.some((p) => p.state === 'active' && p.invoiceExternalId === i.externalId && p.kind === 'hold')).length}
          t={t}
        />
        <InsolvencyCard
          base={base}
          refused={(['rate_missing', 'withdrawn', 'other'] as const).find((x) => x === c.req.query('declaration')) ?? null}
          history={notices}
          heldInvoices={d.pauses.filter((p) => p.kind === 'insolvency' && p.state === 'active').length}
          today={today}
          t={t}
          lang={lang}
        />
        <CollectorCard c={c} action={`${base}/collector`} collector={file.collector} />
        {await (async () => {
          // The customer's open tasks, worked here as on the worklist: closing one comes back to this page.
          const tasks = file.tasks;
          if (!tasks.length) return null;
          return (
            <div class="card" data-customer-tasks>
              <h2>{fill(t.customerTasks, { n: tasks.length })}</h2>
              <ul class="tasks">
                {tasks.map((task) => (
                  <TaskCard c={c} task={task} today={today} back={base} />
                ))}
              </ul>
            </div>
          );
        })()}
        <Card title={t.invoices}>
          <form method="get" action={base} class="actions filters">
            <select name="inv" aria-label={t.status}>
              {INVOICE_FILTERS.map((k) => (
                <option value={k} selected={invFilter === k}>
                  {t[`invFilter_${k}`]}
                </option>
              ))}
            </select>
            <select name="age" aria-label={t.daysLateCol}>
              {AGES.map((k) => (
                <option value={k} selected={age === k}>
                  {t[`age_${k}`]}
                </option>
              ))}
            </select>
            <button type="submit" class="small secondary">
              {t.apply}
            </button>
            <span class="hint">{fill(t.invoicesShown, { n: shown.length, total: d.invoices.length })}</span>
          </form>
          <Table class="stack" head={[t.number, { label: t.issueDate, class: 'hide-sm' }, t.dueDate, { label: t.total, class: 'num hide-sm' }, { label: t.amountDue, class: 'num' }, t.status]}>
            {shown.map((i) => (
              <tr data-invoice={i.externalId}>
                <td data-label={t.number}>{i.number ?? i.externalId}</td>
                <td class="hide-sm">{formatDate(i.issueDate, lang)}</td>
                <td data-label={t.dueDate}>{formatDate(i.dueDate, lang)}</td>
                <td class="num hide-sm">{formatMoney(i.total, i.currency, lang)}</td>
                <td class="num" data-label={t.amountDue}>
                  {formatMoney(i.amountDue, i.currency, lang)}
                </td>
                <td data-label={t.status}>
                  <span>
                    <Badge tone={invoiceTone(i, today)}>{(i.status === 'open' || i.status === 'partially_paid') && i.dueDate < today ? `${t[`inv_${i.status}`]} · ${t.overdue.toLowerCase()}` : t[`inv_${i.status}`]}</Badge>
                    {/* What the e-invoicing platform says (refused, disputed…), with its reason: it holds or changes dunning. */}
                    {/* The pauses that hold this invoice today (its own, or the whole customer's): no reminder goes out for it. */}
                    {d.pauses
                      .filter((p) => p.state === 'active' && activeOn(p, today) && (!p.invoiceExternalId || p.invoiceExternalId === i.externalId))
                      .map((p) => (
                        <div class="hint" data-paused={p.kind}>
                          <Badge tone="warn">{label(t, p.kind)}</Badge> {pauseSummary(p, i.currency, t, lang)}
                        </div>
                      ))}
                    {i.eInvoicing ? (
                      <div class="hint" data-einvoicing={String(i.eInvoicing.code)}>
                        {t.eInvoice}{lang === 'fr' ? ' : ' : ': '}{t[`einv_${i.eInvoicing.status}`]}
                        {i.eInvoicing.reason ? ` (${i.eInvoicing.reason})` : ''}
                      </div>
                    ) : null}
                  </span>
                </td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title={t.pauses}>
          {d.pauses.length === 0 ? <p class="muted">—</p> : null}
          {d.pauses.length ? (
            <Table class="stack" head={[t.kind, t.invoice, t.reason, t.owner, t.pausePeriod, t.state, '']}>
              {d.pauses.map((p) => (
                <tr data-pause={p.id}>
                  <td data-label={t.kind}>{label(t, p.kind)}</td>
                  <td data-label={t.invoice}>{p.invoiceExternalId ? (d.invoices.find((i) => i.externalId === p.invoiceExternalId)?.number ?? '—') : t.wholeCustomer}</td>
                  <td data-label={t.reason}>{reasonOf(p)}</td>
                  <td data-label={t.owner}>{p.owner}</td>
                  <td data-label={t.pausePeriod}>{pauseSummary(p, d.invoices.find((i) => i.externalId === p.invoiceExternalId)?.currency ?? d.invoices[0]?.currency ?? 'EUR', t, lang)}</td>
                  <td data-label={t.state}>
                    <Badge tone={p.state === 'active' ? 'warn' : p.state === 'broken' ? 'bad' : 'ok'}>{t[`pause_${p.state}`]}</Badge>
                  </td>
                  <td class="num">
                    {p.state === 'active' ? (
                      <PostButton action={`${base}/pauses/${p.id}/resolve`} csrf={csrf} class="small secondary">
                        {t.resolve}
                      </PostButton>
                    ) : null}
                  </td>
                </tr>
              ))}
            </Table>
          ) : null}
        </Card>
        <CustomerMailCard c={c} base={base} mailbox={file.mailbox} />
        <PortalCard c={c} base={base} csrf={csrf} url={portalUrl} links={file.links} answers={file.answers} invoices={d.invoices} />
        <Card title={t.addPause} id="add-pause">
          {hasErrors ? <Flash tone="bad">{t.pauseInvalid}</Flash> : null}
          <form method="post" action={`${base}/pauses`}>
            <Csrf token={csrf} />
            <div class="row">
              <div class={`field ${errors['kind'] ? 'invalid' : ''}`}>
                <label for="p-kind">{t.kind}</label>
                <select id="p-kind" name="kind">
                  {PauseKind.options.map((k) => (
                    <option value={k} selected={v('kind', 'dispute') === k}>
                      {label(t, k)}
                    </option>
                  ))}
                </select>
                <FieldError errors={errors} path="kind" />
              </div>
              <div class={`field ${errors['invoiceExternalId'] ? 'invalid' : ''}`}>
                <label for="p-invoice">{t.invoice}</label>
                <select id="p-invoice" name="invoiceExternalId">
                  <option value="">{t.wholeCustomer}</option>
                  {open.map((i) => (
                    <option value={i.externalId} selected={v('invoiceExternalId') === i.externalId}>
                      {i.number ?? i.externalId} · {formatMoney(i.amountDue, i.currency, lang)}
                    </option>
                  ))}
                </select>
                <FieldError errors={errors} path="invoiceExternalId" />
              </div>
            </div>
            <div class="row">
              <div class={`field ${errors['reason'] ? 'invalid' : ''}`}>
                <label for="p-reason">{t.reason}</label>
                <input id="p-reason" type="text" name="reason" value={v('reason')} maxlength={500} />
                <FieldError errors={errors} path="reason" />
              </div>
              <div class={`field ${errors['owner'] ? 'invalid' : ''}`}>
                <label for="p-owner">{t.owner}</label>
                <input id="p-owner" type="text" name="owner" value={v('owner', c.get('session').email)} maxlength={200} />
                <FieldError errors={errors} path="owner" />
              </div>
            </div>
            <div class="row">
              <div class={`field ${errors['startsOn'] ? 'invalid' : ''}`}>
                <label for="p-start">{t.startsOn}</label>
                <input id="p-start" type="date" name="startsOn" value={v('startsOn', today)} />
                <FieldError errors={errors} path="startsOn" />
              </div>
              <div class={`field ${errors['expiresOn'] ? 'invalid' : ''}`}>
                <label for="p-end">{t.expiresOn}</label>
                <input id="p-end" type="date" name="expiresOn" value={v('expiresOn')} />
                <FieldError errors={errors} path="expiresOn" />
              </div>
              <div class={`field ${errors['amount'] ? 'invalid' : ''}`}>
                <label for="p-amount">{t.promiseAmount}</label>
                <input id="p-amount" type="text" inputmode="decimal" name="amount" value={v('amount')} maxlength={30} placeholder={lang === 'fr' ? '1250,00' : '1250.00'} />
                <FieldError errors={errors} path="amount" />
              </div>
            </div>
            <div class={`field ${errors['instalments'] ? 'invalid' : ''}`}>
              <label for="p-inst">{t.instalments}</label>
              <textarea id="p-inst" name="instalments" style="min-height:70px" placeholder="2026-12-15 500.00">
                {v('instalments')}
              </textarea>
              <FieldError errors={errors} path="instalments" />
            </div>
            <button type="submit">{t.addPause.split(/[,:]/)[0]}</button>
          </form>
        </Card>
      </Page>,
      hasErrors ? 422 : 200,
    );
  };

  app.get('/customers/:connectionId/:customerId', (c) => detail(c));

  app.post('/customers/:connectionId/:customerId/pauses', async (c) => {
    const tenant = tenantOf(c);
    const connectionId = c.req.param('connectionId');
    const customerId = c.req.param('customerId');
    const body = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const result = await setPause(deps, tenant, connectionId, customerId, values, c.get('session').email);
    if (!result) return c.notFound();
    if (!result.ok) return detail(c, result.errors, values);
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=${result.pause.cancelledActions > 0 ? 'pauseAddedCancelled' : 'pauseAdded'}`, 303);
  });

  // The customer portal, seen from the team: hand out a link, withdraw them all, decide what the customer asked.
  app.post('/customers/:connectionId/:customerId/portal/link', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const token = await issuePortalLink(deps, tenant, connectionId, customerId);
    if (!token) return c.notFound();
    const origin = deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).origin : new URL(c.req.url).origin;
    return detail(c, {}, {}, `${origin}/p/${token}`);
  });

  app.post('/customers/:connectionId/:customerId/portal/revoke', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    if (!(await revokePortalLinks(deps, tenant, connectionId, customerId, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=portalRevoked`, 303);
  });

  app.post('/customers/:connectionId/:customerId/portal/answers/:answerId/:decision', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId, answerId, decision } = c.req.param();
    if (!/^\d{1,18}$/.test(answerId) || (decision !== 'accepted' && decision !== 'refused')) return c.notFound();
    if (!(await decidePortalAnswer(deps, tenant, connectionId, customerId, answerId, decision, c.get('session').email))) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=answerDecided#portal`, 303);
  });

  app.get('/customers/:connectionId/:customerId/portal/answers/:answerId/file', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId, answerId } = c.req.param();
    if (!/^\d{1,18}$/.test(answerId)) return c.notFound();
    const file = await portalAnswerFile(deps, tenant.id, connectionId, customerId, answerId);
    if (!file) return c.notFound();
    return c.body(new Uint8Array(file.bytes), 200, { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"` });
  });

  app.post('/customers/:connectionId/:customerId/pauses/:pauseId/resolve', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId, pauseId } = c.req.param();
    if (!/^[0-9a-f-]{36}$/i.test(connectionId)) return c.notFound();
    const lifted = await liftPause(deps, tenant.id, pauseId, c.get('session').email, 'resolved in the settings pages', { connectionId, customerExternalId: customerId });
    if (lifted === null) return c.notFound();
    return c.redirect(`/customers/${connectionId}/${encodeURIComponent(customerId)}?msg=pauseResolved`, 303);
  });
}

/** A pause form error in the reader's language: the field's own message when known, else "check this field". */
export function pauseErrorText(path: string, message: string, t: Dict): string {
  if (path === 'reason') return t.err_pause_reason;
  if (path === 'owner') return t.err_pause_owner;
  if (path === 'invoiceExternalId') return /payment plan/.test(message) ? t.err_pause_plan_invoice : t.err_pause_invoice;
  if (path === 'instalments') return t.err_pause_instalments;
  if (path === 'expiresOn') return /promise/.test(message) ? t.err_pause_promise_date : /before/.test(message) ? t.err_pause_end_before_start : t.err_pause_date;
  if (path === 'startsOn') return t.err_pause_date;
  if (path === 'amount') return /currencies/.test(message) ? t.err_pause_amount_currency : /only a promise/.test(message) ? t.err_pause_amount_kind : t.err_pause_amount;
  return t.err_field;
}

/** Why a customer is in its segment, in the reader's language. */
export function riskText(w: RiskWhy, t: Dict, lang: Lang): string {
  const n = (x: number) => new Intl.NumberFormat(localeOf(lang)).format(x);
  switch (w.code) {
    case 'avg_late':
      return fill(t.risk_avg_late, { days: n(w.days), window: n(w.windowDays), min: n(w.min) });
    case 'late_share':
      return fill(t.risk_late_share, { pct: n(w.pct), count: n(w.count), min: n(w.min) });
    case 'overdue':
      return fill(t.risk_overdue, { days: n(w.days), min: n(w.min) });
    case 'broken_promises':
      return fill(t.risk_broken_promises, { count: n(w.count), min: n(w.min) });
    case 'on_time':
      return t.risk_on_time;
    case 'insolvency':
      return fill(t.risk_insolvency, { since: formatDate(w.since, lang) });
  }
}

/** A pause's period in words: "until 20 Dec 2026", "1,250.00 € promised by 20 Dec 2026", "from 5 Dec 2026". */
export function pauseSummary(p: Pick<Pause, 'kind' | 'startsOn' | 'expiresOn' | 'amount' | 'instalments'>, currency: string, t: Dict, lang: Lang): string {
  if (p.kind === 'promise' && p.expiresOn) return p.amount ? fill(t.promiseOfBy, { amount: formatMoney(p.amount, currency, lang), date: formatDate(p.expiresOn, lang) }) : fill(t.promiseBy, { date: formatDate(p.expiresOn, lang) });
  if (p.kind === 'payment_plan') return fill(t.planOf, { n: String(p.instalments.length), date: formatDate(p.instalments.at(-1)?.dueOn ?? null, lang) });
  return p.expiresOn ? fill(t.pauseFromTo, { from: formatDate(p.startsOn, lang), to: formatDate(p.expiresOn, lang) }) : fill(t.pauseFrom, { from: formatDate(p.startsOn, lang) });
}

/** The portal seen from the team: hand a link out, withdraw them, and what the customer answered (deciding requests). */
/** The customer's assigned collector: an admin picks one among the members who work, others read who it is. */
function CollectorCard({ c, action, collector }: { c: UiContext; action: string; collector: { current: User | null; assignable: User[] } }) {
  const t = c.get('t');
  return (
    <div class="card" data-collector>
      <h2>{t.assignedCollector}</h2>
      {c.get('role') === 'admin' ? (
        <form method="post" action={action} class="actions">
          <Csrf token={c.get('session').csrfToken} />
          <select name="userId" aria-label={t.assignedCollector}>
            <option value="">{t.assignNobody}</option>
            {collector.assignable.map((u) => (
              <option value={u.id} selected={collector.current?.id === u.id}>
                {u.email}
              </option>
            ))}
          </select>
          <button class="small" type="submit">
            {t.assign}
          </button>
        </form>
      ) : (
        <p>{collector.current?.email ?? t.assignNobody}</p>
      )}
    </div>
  );
}

function PortalCard(props: { c: UiContext; base: string; csrf: string; url: string | null; links: LinkSummary; answers: StoredAnswer[]; invoices: readonly Invoice[] }) {
  const { c, base, csrf, url, links, answers, invoices } = props;
  const t = c.get('t');
  const lang = c.get('lang');
  const tz = tenantOf(c).timeZone;
  const number = (id: string | null) => (id ? (invoices.find((i) => i.externalId === id)?.number ?? '—') : t.wholeCustomer);
  const currency = (id: string | null) => invoices.find((i) => i.externalId === id)?.currency ?? invoices[0]?.currency ?? 'EUR';
  const what = (a: StoredAnswer): string => {
    const d = a.detail;
    switch (d.kind) {
      case 'dispute':
        return `${t[`portal_reason_${d.reason}`]}${d.text ? ` — ${d.text}` : ''}`;
      case 'promise':
        return d.amount ? fill(t.promiseOfBy, { amount: formatMoney(d.amount, currency(a.invoiceExternalId), lang), date: formatDate(d.on, lang) }) : fill(t.promiseBy, { date: formatDate(d.on, lang) });
      case 'plan':
        return d.instalments.map((x) => `${formatDate(x.dueOn, lang)} : ${formatMoney(x.amount, currency(a.invoiceExternalId), lang)}`).join(' · ');
      case 'paid':
        return fill(t.answerPaid, { amount: formatMoney(d.amount, currency(a.invoiceExternalId), lang), date: formatDate(d.on, lang), reference: d.reference ? ` (${d.reference})` : '' });
    }
  };
  return (
    <Card title={t.portalTitle} id="portal">
      <p class="hint" data-portal-links={links.live}>
        {fill(t.portalSummary, { live: links.live, issued: links.lastIssued ? formatDate(links.lastIssued, lang, tz) : t.never, viewed: links.lastViewed ? formatDate(links.lastViewed, lang, tz) : t.never })}
      </p>
      {url ? (
        <Flash tone="info">
          {t.portalLinkCreated}
          <code class="token" data-testid="portal-url">
            {url}
          </code>
        </Flash>
      ) : null}
      <div class="actions">
        <PostButton action={`${base}/portal/link`} csrf={csrf} class="small secondary">
          {t.portalNewLink}
        </PostButton>
        {links.live > 0 ? (
          <PostButton action={`${base}/portal/revoke`} csrf={csrf} class="small secondary">
            {t.portalRevoke}
          </PostButton>
        ) : null}
      </div>
      {answers.length ? (
        <Table class="stack" head={[t.date, t.kind, t.invoice, t.portalAnswer, t.state]}>
          {answers.map((a) => (
            <tr data-answer={a.kind}>
              <td data-label={t.date}>{formatDate(a.createdAt, lang, tz)}</td>
              <td data-label={t.kind}>{t[`answerKind_${a.kind}`]}</td>
              <td data-label={t.invoice}>{number(a.invoiceExternalId)}</td>
              <td class="wide" data-label={t.portalAnswer}>
                {what(a)}
                {a.hasAttachment ? (
                  <div>
                    <a href={`${base}/portal/answers/${a.id}/file`}>{t.portalAttachment}</a>
                  </div>
                ) : null}
              </td>
              <td data-label={t.state}>
                {a.state === 'new' ? (
                  <span class="actions">
                    <Badge tone="warn">{t.answerState_new}</Badge>
                    <PostButton action={`${base}/portal/answers/${a.id}/accepted`} csrf={csrf} class="small">
                      {a.kind === 'plan' ? t.answerAccept : t.answerChecked}
                    </PostButton>
                    <PostButton action={`${base}/portal/answers/${a.id}/refused`} csrf={csrf} class="small secondary">
                      {a.kind === 'plan' ? t.answerRefuse : t.answerNotFound}
                    </PostButton>
                  </span>
                ) : (
                  <Badge tone={a.state === 'refused' ? 'bad' : 'ok'}>{t[`answerState_${a.state}`]}</Badge>
                )}
              </td>
            </tr>
          ))}
        </Table>
      ) : (
        <Empty>{t.portalNoAnswer}</Empty>
      )}
    </Card>
  );
}
