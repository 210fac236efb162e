/** @jsxImportSource hono/jsx */
// The recovery file from a customer's page (#25): the file to download (PDF for the court or the solicitor, JSON and
// CSV for an agency) and the hand-off that stops dunning for the invoices handed over. Routes and card.
import type { Hono } from 'hono';
import { CASE_STATES, type RecoveryCase } from '../../../recovery/cases.js';
import { handOffFile, moveCase, recoveryFileFor, recoveryZipFor } from '../../../app/recovery.js';
import type { InlineSync } from '../../../app/deps.js';
import { tenantOf, type UiContext, type UiEnv } from '../context.js';
import { fill, formatDate, formatMoney, type Dict, type Lang } from '../i18n.js';
import { Badge, Csrf } from '../layout.js';

export function RecoveryCard(props: { base: string; csrf: string; canChange: boolean; overdue: number; problem: 'rate_missing' | 'to' | 'case' | null; cases: readonly RecoveryCase[]; today: string; t: Dict; lang: Lang }) {
  const { base, csrf, canChange, overdue, problem, cases, today, t, lang } = props;
  if (overdue === 0 && cases.length === 0) return null;
  return (
    <div class="card" id="recovery" data-recovery>
      <h2>{t.recoveryTitle}</h2>
      <p class="hint">{t.recoveryHint}</p>
      {problem ? (
        <p class="err" data-recovery-problem={problem}>
          {problem === 'rate_missing' ? t.recoveryRateMissing : problem === 'case' ? t.caseNotMoved : t.recoveryNeedsTo}
        </p>
      ) : null}
      {cases.map((k) => (
        <CaseView k={k} csrf={csrf} canChange={canChange} today={today} t={t} lang={lang} />
      ))}
      {overdue > 0 ? (
      <div class="actions">
        <a class="button small" href={`${base}/recovery.pdf`} data-recovery-pdf>
          {t.recoveryPdf}
        </a>
        <a class="button small secondary" href={`${base}/recovery.zip`} data-recovery-zip>
          {t.recoveryZip}
        </a>
        <a class="button small secondary" href={`${base}/recovery.json`}>
          {t.recoveryJson}
        </a>
        <a class="button small secondary" href={`${base}/recovery.csv`}>
          {t.recoveryCsv}
        </a>
      </div>
      ) : null}
      {canChange && overdue > 0 ? (
        <form method="post" action={`${base}/recovery/hand-off`} class="actions" data-hand-off>
          <Csrf token={csrf} />
          <label for="hand-off-to">{t.recoveryHandOffTo}</label>
          <input id="hand-off-to" name="to" required maxlength={200} placeholder={t.recoveryHandOffPlaceholder} />
          <button type="submit" class="small secondary">
            {t.recoveryHandOff}
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function recoveryRoutes(app: Hono<UiEnv>, deps: InlineSync): void {
  // Loader: the file through the use case (null: not found; 'rate_missing': refused).
  const fileOf = (c: UiContext) => recoveryFileFor(deps, tenantOf(c), c.req.param('connectionId') ?? '', c.req.param('customerId') ?? '');
  const back = (c: UiContext) => `/customers/${c.req.param('connectionId') ?? ''}/${encodeURIComponent(c.req.param('customerId') ?? '')}`;
  const refused = (c: UiContext) => c.redirect(`${back(c)}?recovery=rate_missing#recovery`, 303);
  const name = (c: { req: { param(k: string): string | undefined } }, ext: string) => `dossier-recouvrement-${(c.req.param('customerId') ?? '').replace(/[^A-Za-z0-9_-]/g, '_')}.${ext}`;

  app.get('/customers/:connectionId/:customerId/recovery.pdf', async (c) => {
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    return c.body(new Uint8Array(r.file.pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name(c, 'pdf')}"` });
  });
  app.get('/customers/:connectionId/:customerId/recovery.zip', async (c) => {
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    const zip = await recoveryZipFor(deps, tenantOf(c), c.req.param('connectionId'), c.req.param('customerId'), r);
    return c.body(new Uint8Array(zip), 200, { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name(c, 'zip')}"` });
  });
  app.get('/customers/:connectionId/:customerId/recovery.json', async (c) => {
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    return c.body(JSON.stringify(r.json, null, 2), 200, { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="${name(c, 'json')}"` });
  });
  app.get('/customers/:connectionId/:customerId/recovery.csv', async (c) => {
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    return c.body(r.csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name(c, 'csv')}"` });
  });

  // A case moves forward: the state reached, its date and a note (an order number, the bailiff's name...).
  app.post('/tasks/cases/:caseId', async (c) => {
    const caseId = c.req.param('caseId');
    if (!/^[0-9a-f-]{36}$/i.test(caseId)) return c.notFound();
    const body = await c.req.parseBody();
    const r = await moveCase(deps, tenantOf(c), caseId, { state: String(body['state'] ?? ''), on: String(body['on'] ?? ''), note: String(body['note'] ?? '').trim(), actor: c.get('session').email });
    if (!r.found) return c.notFound();
    const back = `/customers/${r.connectionId}/${encodeURIComponent(r.customerExternalId)}`;
    return c.redirect(`${back}?${r.moved ? 'msg=caseUpdated' : 'recovery=case'}#recovery`, 303);
  });

  // Handing the file over stops dunning for the invoices it claims (one hold pause each, planned reminders cancelled).
  app.post('/customers/:connectionId/:customerId/recovery/hand-off', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const to = String((await c.req.parseBody())['to'] ?? '').trim().slice(0, 200);
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    if (!to) return c.redirect(`${back(c)}?recovery=to#recovery`, 303);
    await handOffFile(deps, tenant, connectionId, customerId, r, to, c.get('session').email);
    return c.redirect(`${back(c)}?msg=handedOff#recovery`, 303);
  });
}

/** One case: where it stands, its history, the payments received since the hand-off, and the next step to record. */
export function CaseView(props: { k: RecoveryCase; csrf: string; canChange: boolean; today: string; t: Dict; lang: Lang; withCustomer?: boolean }) {
  const { k, csrf, canChange, today, t, lang } = props;
  const next = CASE_STATES.slice(CASE_STATES.indexOf(k.state) + 1);
  return (
    <div class="case" data-case={k.state}>
      <h3>
        {props.withCustomer ? <a href={`/customers/${k.connectionId}/${encodeURIComponent(k.customerExternalId)}#recovery`}>{k.customerName}</a> : t.caseTitle}{' '}
        <Badge tone={k.state === 'paid' || k.state === 'closed' ? 'ok' : 'info'}>{t[`caseState_${k.state}`]}</Badge>
      </h3>
      <p class="hint">
        {fill(t.caseHandedTo, { to: k.handedTo, on: formatDate(k.openedOn, lang), by: k.openedBy })}
        {k.claimed && k.currency ? ` · ${fill(t.caseClaimed, { amount: formatMoney(k.claimed, k.currency, lang) })}` : ''}
      </p>
      <ul>
        {k.events.map((e) => (
          <li>
            {formatDate(e.on, lang)} · {t[`caseState_${e.state}`]}
            {e.note ? ` · ${e.note}` : ''} · {e.actor}
          </li>
        ))}
      </ul>
      {k.paymentsSince.length ? (
        <p class="warn" data-case-payments={k.paymentsSince.length}>
          {fill(t.casePayments, { list: k.paymentsSince.map((p) => `${formatMoney(p.amount, p.currency, lang)} (${formatDate(p.date, lang)})`).join(', ') })}
        </p>
      ) : null}
      {canChange && next.length ? (
        <form method="post" action={`/tasks/cases/${k.id}`} class="actions" data-case-form>
          <Csrf token={csrf} />
          <select name="state" aria-label={t.caseNext}>
            {next.map((s) => (
              <option value={s}>{t[`caseState_${s}`]}</option>
            ))}
          </select>
          <input type="date" name="on" value={today} aria-label={t.caseOn} required />
          <input name="note" maxlength={1000} placeholder={t.caseNote} aria-label={t.caseNote} />
          <button type="submit" class="small secondary">
            {t.caseRecord}
          </button>
        </form>
      ) : null}
    </div>
  );
}
