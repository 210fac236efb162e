/** @jsxImportSource hono/jsx */
// Preview: the next 30 days of planned actions with the reason for each, from the real policy and synced facts.
import type { Hono } from 'hono';
import type { PlannedAction } from '../../../model/collections.js';
import { previewPlan } from '../../../app/preview.js';
import { tenantOf, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { formatDate, formatMoney, type Dict, type Lang } from '../i18n.js';
import { Badge, Page, render } from '../layout.js';
import { Table } from '../components.js';
import { ConnectionPicker, pickConnection } from './pick.js';
import { HeldList } from '../held.js';
import { explainText } from '../explain.js';
import { SendingBanner, SendingSwitch, sendingSince } from './sending.js';
import { gapWords } from '../../../actions/letterhead.js';
import { COMPANY_TEXT } from '../company-text.js';
import { PROFILE_PATH } from './company.js';

export const channelTone = (ch: string) => (ch === 'letter' || ch === 'handoff' ? 'bad' : ch === 'alert' || ch === 'call' ? 'warn' : 'info');

/** A channel in the reader's words ("Courrier", not "letter"). */
export const channelLabel = (ch: string, t: Dict) => (`channel_${ch}` in t ? t[`channel_${ch}` as keyof Dict] : ch);

/**
 * Why the action is planned, in the reader's language, from the action's own fields: the engine's `explain` is English
 * (and kept, folded, for the detail), while a French page must read French.
 */
function why(a: PlannedAction, stepName: string, t: Dict, lang: Lang): string {
  const lines = a.invoices.filter((l) => l.triggered);
  const dpd = Math.max(...(lines.length ? lines : a.invoices).map((l) => l.daysPastDue), Number.NEGATIVE_INFINITY);
  const parts = [`${t.step} ${a.stepIndex + 1} (${stepName})`];
  if (Number.isFinite(dpd)) parts.push(dpd > 0 ? `${dpd} ${dpd === 1 ? t.dayLate : t.daysLate}` : dpd === 0 ? t.dueToday : `${-dpd} ${dpd === -1 ? t.dayBeforeDue : t.daysBeforeDue}`);
  // French puts a (non-breaking) space before a colon.
  if (a.segment && a.segment in t) parts.push(`${t.segment}${lang === 'fr' ? '\u00a0:' : ':'} ${t[a.segment as keyof Dict]}`);
  if (a.scheduledOn < a.dueOn) parts.push(`${t.caughtUp} ${formatDate(a.scheduledOn, lang)}`);
  if (a.penalties.length) parts.push(t.withPenalties);
  return parts.join(' · ');
}

export function previewRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/preview', async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const { all, chosen } = await pickConnection(c, deps);
    if (c.req.query('connection') && !chosen) return c.notFound();
    // Loader (the use case), then the view.
    const { days, queued, names, invoiceNumbers, heldFor, sending, off, total, policy, stepNames } = await previewPlan(deps, tenant, chosen);
    const csrf = c.get('session').csrfToken;
    const back = chosen ? `/preview?connection=${chosen.id}` : '/preview';
    return render(
      c,
      <Page c={c} title={t.previewTitle} active="preview" tenants={await visibleTenants(c, deps)} subtitle={t.previewHint} actions={<ConnectionPicker all={all} chosen={chosen} action="/preview" label={t.connection} deps={deps} t={t} />}>
        {!chosen ? <div class="card muted">{t.noConnections}</div> : null}
        <SendingBanner off={off} deps={deps} t={t} csrf={csrf} back={back} withSwitch={true} />
        {chosen && sending?.enabled ? (
          <div class="card sending-on" data-sending="on">
            <span>{sendingSince(sending, t, lang, tenant.timeZone)}</span>
            <SendingSwitch connectionId={chosen.id} enabled={true} t={t} csrf={csrf} back={back} small={true} />
          </div>
        ) : null}
        {chosen && total === 0 ? <div class="card muted">{t.noActions}</div> : null}
        {days.map((d) => (
          <div class="card day" data-day={d.date}>
            <h3>
              {formatDate(d.date, lang)} <Badge>{d.actions.length}</Badge>
            </h3>
            {d.actions.length ? (
            <Table class="stack" head={[t.customer, t.step, t.channel, { label: t.amount, class: 'num' }, t.why]}>
              {d.actions.map((a) => (
                <tr data-action={a.idempotencyKey}>
                  <td data-label={t.customer}>
                    <span>
                      {names.get(a.customerExternalId) ?? a.customerExternalId}
                      <div class="hint">{a.invoices.map((i) => i.number ?? i.externalId).join(', ')}</div>
                    </span>
                  </td>
                  <td data-label={t.step}>
                    <span>
                      {stepNames.get(a.stepId) ?? a.stepId}
                      {queued.has(a.idempotencyKey) ? (
                        <div>
                          <Badge tone="warn">{t.alreadyPlanned}</Badge>
                        </div>
                      ) : null}
                    </span>
                  </td>
                  <td data-label={t.channel}>
                    <span>
                      <Badge tone={channelTone(a.channel)}>{channelLabel(a.channel, t)}</Badge>
                      {heldFor(a).length ? (
                        <div class="hint" data-held="profile">
                          {COMPANY_TEXT[lang].letterHeld} {gapWords(heldFor(a), lang)}. <a href={PROFILE_PATH}>{COMPANY_TEXT[lang].completeProfile}</a>
                        </div>
                      ) : null}
                    </span>
                  </td>
                  <td class="num" data-label={t.amount}>
                    {formatMoney(a.netDue, a.currency, lang)}
                  </td>
                  <td class="hint wide why" data-label={t.why}>
                    {why(a, stepNames.get(a.stepId) ?? a.stepId, t, lang)}
                    <details>
                      <summary>{t.engineExplain}</summary>
                      {explainText(a, t, lang, policy) ?? a.explain}
                    </details>
                  </td>
                </tr>
              ))}
            </Table>
            ) : null}
            <HeldList held={d.held} names={names} invoiceNumbers={invoiceNumbers} t={t} lang={lang} policy={policy} />
          </div>
        ))}
      </Page>,
    );
  });
}
