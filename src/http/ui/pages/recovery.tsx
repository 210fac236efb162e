/** @jsxImportSource hono/jsx */
// The recovery file from a customer's page (#25): the file to download (PDF for the court or the solicitor, JSON and
// CSV for an agency) and the hand-off that stops dunning for the invoices handed over. Routes and card.
import type { Hono } from 'hono';
import { dateInZone } from '../../../model/index.js';
import { handOffRecovery } from '../../../recovery/hand-off.js';
import { customerRecoveryFile } from '../../../recovery/service.js';
import { RateMissing } from '../../../rules/rate-tables.js';
import { getConnection } from '../../../store/tenants.js';
import { nowOf, tenantOf, type UiContext, type UiDeps, type UiEnv } from '../context.js';
import type { Dict } from '../i18n.js';
import { Csrf } from '../layout.js';

export function RecoveryCard(props: { base: string; csrf: string; canChange: boolean; overdue: number; problem: 'rate_missing' | 'to' | null; t: Dict }) {
  const { base, csrf, canChange, overdue, problem, t } = props;
  if (overdue === 0) return null;
  return (
    <div class="card" id="recovery" data-recovery>
      <h2>{t.recoveryTitle}</h2>
      <p class="hint">{t.recoveryHint}</p>
      {problem ? (
        <p class="err" data-recovery-problem={problem}>
          {problem === 'rate_missing' ? t.recoveryRateMissing : t.recoveryNeedsTo}
        </p>
      ) : null}
      <div class="actions">
        <a class="button small" href={`${base}/recovery.pdf`} data-recovery-pdf>
          {t.recoveryPdf}
        </a>
        <a class="button small secondary" href={`${base}/recovery.json`}>
          {t.recoveryJson}
        </a>
        <a class="button small secondary" href={`${base}/recovery.csv`}>
          {t.recoveryCsv}
        </a>
      </div>
      {canChange ? (
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

export function recoveryRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  const fileOf = async (c: UiContext) => {
    const tenant = tenantOf(c);
    const connectionId = c.req.param('connectionId') ?? '';
    const customerId = c.req.param('customerId') ?? '';
    // Another company's connection is simply not found.
    if (!/^[0-9a-f-]{36}$/i.test(connectionId) || !(await getConnection(deps.sql, tenant.id, connectionId))) return null;
    try {
      return await customerRecoveryFile(deps.sql, tenant, connectionId, customerId, nowOf(deps));
    } catch (e) {
      // A reference rate not known yet: the interest cannot be stated, and the file is never made with a guess.
      if (e instanceof RateMissing) return 'rate_missing' as const;
      throw e;
    }
  };
  const back = (c: UiContext) => `/customers/${c.req.param('connectionId') ?? ''}/${encodeURIComponent(c.req.param('customerId') ?? '')}`;
  const refused = (c: UiContext) => c.redirect(`${back(c)}?recovery=rate_missing#recovery`, 303);
  const name = (c: { req: { param(k: string): string | undefined } }, ext: string) => `dossier-recouvrement-${(c.req.param('customerId') ?? '').replace(/[^A-Za-z0-9_-]/g, '_')}.${ext}`;

  app.get('/customers/:connectionId/:customerId/recovery.pdf', async (c) => {
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    return c.body(new Uint8Array(r.file.pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name(c, 'pdf')}"` });
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

  // Handing the file over stops dunning for the invoices it claims (one hold pause each, planned reminders cancelled).
  app.post('/customers/:connectionId/:customerId/recovery/hand-off', async (c) => {
    const tenant = tenantOf(c);
    const { connectionId, customerId } = c.req.param();
    const to = String((await c.req.parseBody())['to'] ?? '').trim().slice(0, 200);
    const r = await fileOf(c);
    if (!r) return c.notFound();
    if (r === 'rate_missing') return refused(c);
    if (!to) return c.redirect(`${back(c)}?recovery=to#recovery`, 303);
    await handOffRecovery(deps.sql, tenant.id, connectionId, { customerExternalId: customerId, invoiceExternalIds: r.invoiceExternalIds, to, actor: c.get('session').email, on: dateInZone(nowOf(deps), tenant.timeZone) });
    return c.redirect(`${back(c)}?msg=handedOff#recovery`, 303);
  });
}
