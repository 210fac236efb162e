/** @jsxImportSource hono/jsx */
// Preview: the next 30 days of planned actions with the reason for each, from the real policy and synced facts.
import type { Hono } from 'hono';
import { previewConnection } from '../../../collections/run.js';
import { listTenants } from '../../../store/auth.js';
import { listDocuments } from '../../../store/documents.js';
import { getSending } from '../../../store/sending.js';
import { nowOf, tenantOf, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { formatDate, formatMoney } from '../i18n.js';
import { Badge, Page, render } from '../layout.js';
import { ConnectionPicker, pickConnection } from './pick.js';
import { sendingOff } from '../sending.js';
import { SendingBanner, SendingSwitch, sendingSince } from './sending.js';

export const channelTone = (ch: string) => (ch === 'letter' || ch === 'handoff' ? 'bad' : ch === 'alert' || ch === 'call' ? 'warn' : 'info');

export function previewRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/preview', async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const tenant = tenantOf(c);
    const { all, chosen } = await pickConnection(c, deps);
    if (c.req.query('connection') && !chosen) return c.notFound();
    const result = chosen ? await previewConnection(deps.sql, tenant.id, chosen.id, 30, nowOf(deps)) : null;
    const names = new Map<string, string>();
    if (chosen) for (const d of await listDocuments(deps.sql, tenant.id, 'customer', { connectionId: chosen.id })) names.set(d.record.externalId, d.record.name);
    const days = result?.days.filter((d) => d.actions.length) ?? [];
    // The switch sits beside what it lets out: off, the banner with the button; on, who turned it on and the way back.
    const sending = chosen ? await getSending(deps.sql, tenant.id, chosen.id) : null;
    const off = chosen && sending && !sending.enabled ? (await sendingOff(deps, tenant.id, nowOf(deps))).filter((o) => o.connection.id === chosen.id) : [];
    const csrf = c.get('session').csrfToken;
    const back = chosen ? `/preview?connection=${chosen.id}` : '/preview';
    const total = days.reduce((n, d) => n + d.actions.length, 0);
    return render(
      c,
      <Page c={c} title={t.previewTitle} active="preview" tenants={await visibleTenants(c, deps)} subtitle={t.previewHint} actions={<ConnectionPicker all={all} chosen={chosen} action="/preview" label={t.connection} />}>
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
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th>{t.customer}</th>
                    <th>{t.step}</th>
                    <th>{t.channel}</th>
                    <th class="num">{t.amount}</th>
                    <th>{t.why}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.actions.map((a) => (
                    <tr data-action={a.idempotencyKey}>
                      <td data-label={t.customer}>
                        <span>
                          {names.get(a.customerExternalId) ?? a.customerExternalId}
                          <div class="hint">{a.invoices.map((i) => i.number ?? i.externalId).join(', ')}</div>
                        </span>
                      </td>
                      <td data-label={t.step}>{a.stepId}</td>
                      <td data-label={t.channel}>
                        <Badge tone={channelTone(a.channel)}>{a.channel}</Badge>
                      </td>
                      <td class="num" data-label={t.amount}>
                        {formatMoney(a.netDue, a.currency, lang)}
                      </td>
                      <td class="hint wide why" data-label={t.why}>
                        {a.explain}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
      </Page>,
    );
  });
}
