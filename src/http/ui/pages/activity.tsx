/** @jsxImportSource hono/jsx */
// Activity: the outbox (planned, sending, sent, failed, cancelled, with the engine's explanation) and the activity log with proofs.
import type { Hono } from 'hono';
import type { PlannedAction } from '../../../model/collections.js';
import { activityPage, cancelPlannedAction, storedLetter } from '../../../app/activity.js';
import type { OutboxState } from '../../../store/outbox.js';
import { tenantOf, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { formatDate, formatMoney, type Dict } from '../i18n.js';
import { Badge, Csrf, Flash, JsonDetails, Page, render } from '../layout.js';
import { Card, Empty, Table } from '../components.js';
import { channelLabel, channelTone } from './preview.js';
import { DUNNING_CHANNELS } from '../../../rules/evaluate.js';
import { cancelWhyText } from '../held.js';
import { explainText } from '../explain.js';
import { changeText } from './team.js';
import type { UiContext } from '../context.js';

const STATES: readonly OutboxState[] = ['planned', 'sending', 'sent', 'failed', 'cancelled'];
/** What happened, in the reader's words: the outbox states for sent, failed and cancelled, the other kinds their own. */
const activityLabel = (kind: string, t: Dict): string => {
  if (kind === 'sending_on') return t.sendingActivityOn;
  if (kind === 'sending_off') return t.sendingActivityOff;
  const key = (['sent', 'failed', 'cancelled'].includes(kind) ? `state_${kind}` : `kind_${kind}`) as keyof Dict;
  return key in t ? t[key] : kind;
};

export const stateTone = (s: string) => (s === 'sent' || s === 'sending_on' ? 'ok' : s === 'failed' || s === 'bounced' ? 'bad' : s === 'cancelled' ? undefined : 'warn');

/** The outbox payload as a planned action when it is one (alerts have another shape). */
function asAction(payload: unknown): Partial<PlannedAction> & { message?: string } {
  return payload && typeof payload === 'object' ? (payload as Partial<PlannedAction> & { message?: string }) : {};
}

export function activityRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  // A generated letter, byte for byte as stored (its sha256 is the proof of what was posted).
  app.get('/activity/letters/:key', async (c) => {
    const letter = await storedLetter(deps, tenantOf(c).id, c.req.param('key'));
    if (!letter) return c.notFound();
    return c.body(new Uint8Array(letter.pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="relance-${letter.sha256.slice(0, 12)}.pdf"`,
      'x-content-sha256': letter.sha256,
    });
  });

  // A person cancels a planned action, saying why: it is never sent, and the steps after it wait for the team.
  app.post('/activity/outbox/:id/cancel', async (c) => {
    const tenant = tenantOf(c);
    const id = c.req.param('id');
    if (!/^\d{1,18}$/.test(id)) return c.notFound();
    const body = await c.req.parseBody();
    const note = typeof body['note'] === 'string' ? body['note'].trim().slice(0, 500) : '';
    if (!note) return page(c, { tone: 'bad', text: c.get('t').cancelNeedsReason }, 422);
    const done = await cancelPlannedAction(deps, tenant.id, id, c.get('session').email, note);
    return c.redirect(`/activity?msg=${done ? 'actionCancelled' : 'actionNotPlanned'}`, 303);
  });

  app.get('/activity', (c) => page(c));

  const page = async (c: UiContext, flash?: { tone: 'bad'; text: string }, status: 200 | 422 = 200) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const state = c.req.query('state');
    const states = STATES.includes(state as OutboxState) ? [state as OutboxState] : undefined;
    const { outbox, log, customers, invoices, policy } = await activityPage(deps, tenant, states);
    // Steps by the names the policy gives them ("Relance 1"), not their ids.
    const stepNames = new Map(policy.steps.map((s) => [s.id, s.name || s.id]));
    const names = new Map(customers.map((d) => [`${d.connectionId}/${d.record.externalId}`, d.record.name]));
    // Outbox rows do not carry their connection here: the id alone names the customer unless two companies share it.
    const byId = new Map(customers.map((d) => [d.record.externalId, d.record.name]));
    const nameOf = (connectionId: string | null | undefined, id: string | null | undefined) => (id ? (names.get(`${connectionId}/${id}`) ?? byId.get(id) ?? id) : '—');
    // Invoices by their number, as the customer and the books know them, never by the provider's id.
    const numbers = new Map(invoices.map((d) => [`${d.connectionId}/${d.record.externalId}`, d.record.number]));
    const numberOf = (connectionId: string | null | undefined, id: string) => numbers.get(`${connectionId}/${id}`) ?? invoices.find((d) => d.record.externalId === id)?.record.number ?? id;
    return render(
      c,
      <Page c={c} title={t.activity} active="activity" tenants={await visibleTenants(c, deps)}>
        {flash ? <Flash tone={flash.tone}>{flash.text}</Flash> : null}
        <Card title={t.sentActivity}>
          {log.length === 0 ? (
            <Empty>{t.noActivity}</Empty>
          ) : (
            <Table head={[t.date, t.state, t.channel, t.customer, t.reason, t.proof]}>
              {log.map((a) => (
                <tr>
                  <td>{formatDate(a.createdAt, lang, tenantOf(c).timeZone)}</td>
                  <td>
                    <Badge tone={stateTone(a.kind)}>{activityLabel(a.kind, t)}</Badge>
                  </td>
                  <td>{a.channel ? channelLabel(a.channel, t) : '—'}</td>
                  <td>
                    {nameOf(a.connectionId, a.customerExternalId)}
                    <div class="hint">{a.invoiceExternalIds.map((id) => numberOf(a.connectionId, id)).join(', ')}</div>
                  </td>
                  {/* A switch turned on or off: who did it, in the reader's language. */}
                  <td>{a.kind === 'sending_on' || a.kind === 'sending_off' ? (a.actor ? `${t.by} ${a.actor}` : '') : (changeText(a, t, lang) ?? cancelWhyText(a.why, t, lang, policy) ?? a.reason ?? '')}</td>
                  <td>
                    {a.contentHash ? <code title="sha256">{a.contentHash.slice(0, 12)}…</code> : null}
                    {a.channel === 'letter' && a.kind === 'sent' ? (
                      <div>
                        <a href={`/activity/letters/${encodeURIComponent(a.actionKey)}`}>PDF</a>
                      </div>
                    ) : null}
                    {a.proof ? <JsonDetails summary={t.proof} value={a.proof} /> : null}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <div class="card">
          <div class="actions" style="justify-content:space-between;margin-bottom:10px">
            <h2 style="margin:0">{t.outbox}</h2>
            <nav class="actions" aria-label={t.state}>
              <a href="/activity" class={!states ? 'badge info' : 'badge'}>
                {t.all}
              </a>
              {STATES.map((s) => (
                <a href={`/activity?state=${s}`} class={state === s ? 'badge info' : 'badge'}>
                  {t[`state_${s}`]}
                </a>
              ))}
            </nav>
          </div>
          {outbox.length === 0 ? (
            <Empty>{t.noActivity}</Empty>
          ) : (
            <Table class="stack" head={[t.due, t.state, t.channel, t.customer, { label: t.amount, class: 'num' }, t.explain]}>
              {outbox.map((o) => {
                const a = asAction(o.payload);
                return (
                  <tr data-outbox={o.id}>
                    <td data-label={t.due}>{formatDate(o.dueAt, lang)}</td>
                    <td data-label={t.state}>
                      <span>
                        <Badge tone={stateTone(o.state)}>{t[`state_${o.state}`]}</Badge>
                        {o.lastError ? <div class="err">{cancelWhyText((o.result as { why?: unknown } | null)?.why, t, lang, policy) ?? o.lastError}</div> : null}
                        {o.state === 'planned' && DUNNING_CHANNELS.has(o.kind) ? (
                          <details class="cancel-action">
                            <summary>{t.cancelAction}</summary>
                            <form method="post" action={`/activity/outbox/${o.id}/cancel`}>
                              <Csrf token={c.get('session').csrfToken} />
                              <label for={`note-${o.id}`}>{t.cancelReason}</label>
                              <input id={`note-${o.id}`} type="text" name="note" required maxlength={500} />
                              <button class="small secondary" type="submit">
                                {t.cancelAction}
                              </button>
                            </form>
                          </details>
                        ) : null}
                      </span>
                    </td>
                    <td data-label={t.channel}>
                      <span>
                        <Badge tone={channelTone(o.kind)}>{channelLabel(o.kind, t)}</Badge>
                        {a.stepId ? <div class="hint">{stepNames.get(a.stepId) ?? a.stepId}</div> : null}
                      </span>
                    </td>
                    <td data-label={t.customer}>
                      <span>
                        {nameOf(o.connectionId, a.customerExternalId)}
                        <div class="hint">{(a.invoices ?? []).map((i) => i.number ?? i.externalId).join(', ')}</div>
                      </span>
                    </td>
                    <td class="num" data-label={t.amount}>
                      {a.netDue && a.currency ? formatMoney(a.netDue, a.currency, lang) : '—'}
                    </td>
                    <td class="hint wide why" data-label={t.explain}>
                      {(a.reasons ? explainText(a, t, lang, policy) : null) ?? a.explain ?? a.message ?? ''}
                      {o.result ? <JsonDetails summary={t.proof} value={o.result} /> : null}
                    </td>
                  </tr>
                );
              })}
            </Table>
          )}
        </div>
      </Page>,
      status,
    );
  };
}
