/** @jsxImportSource hono/jsx */
// The sending switch on the pages: the "sending is off" banner, the on/off button (a CSRF-protected form) and its route.
import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { SendingState } from '../../../store/sending.js';
import { tenantOf, type UiDeps, type UiEnv } from '../context.js';
import { formatDate, type Dict, type Lang } from '../i18n.js';
import { Csrf } from '../layout.js';
import { switchedBy, switchSending, type SendingOff } from '../../../app/sending.js';
import { safeNext } from './account.js';

/** The provider's name as people know it (never an id). */
export const providerLabel = (deps: UiDeps, provider: string) => (deps.registry.has(provider) ? deps.registry.get(provider).displayName : provider);

/** The button that turns a connection's sending on or off, then comes back to `back`. */
export const SendingSwitch: FC<{ connectionId: string; enabled: boolean; t: Dict; csrf: string; back: string; small?: boolean }> = ({ connectionId, enabled, t, csrf, back, small }) => (
  <form method="post" action={`/connections/${connectionId}/sending`} class="inline" data-sending-switch={enabled ? 'on' : 'off'}>
    <Csrf token={csrf} />
    <input type="hidden" name="enabled" value={enabled ? 'off' : 'on'} />
    <input type="hidden" name="back" value={back} />
    <button type="submit" class={`${small ? 'small ' : ''}${enabled ? 'danger' : ''}`.trim() || undefined} data-confirm={enabled ? t.confirmSendingOff : t.confirmSendingOn}>
      {enabled ? t.turnSendingOff : t.turnSendingOn}
    </button>
  </form>
);

/**
 * "Sending is off — review the next 30 days, then turn it on", with what waits for each connection that is off. Beside
 * the preview it carries the switch; elsewhere it leads to the preview, where the review happens.
 */
export const SendingBanner: FC<{ off: SendingOff[]; deps: UiDeps; t: Dict; csrf: string; back: string; withSwitch: boolean }> = ({ off, deps, t, csrf, back, withSwitch }) =>
  off.length ? (
    <div class="flash warn sending" role="status" data-sending="off">
      <strong>{t.sendingOffBanner}</strong>
      <p class="body">{t.sendingOffBody}</p>
      {off.map((o) => (
        <div class="line" data-sending-connection={o.connection.id}>
          <span class="what">
            <strong>{providerLabel(deps, o.connection.provider)}</strong> · {o.planned} {o.planned === 1 ? t.actionWaiting : t.actionsWaiting}
            {o.due ? ` · ${o.due} ${t.dueNow}` : ''}
          </span>
          <span class="actions">
            {withSwitch ? null : (
              <a class="button secondary small" href={`/preview?connection=${o.connection.id}`}>
                {t.reviewNext30}
              </a>
            )}
            {withSwitch ? <SendingSwitch connectionId={o.connection.id} enabled={false} t={t} csrf={csrf} back={back} /> : null}
          </span>
        </div>
      ))}
    </div>
  ) : null;

/** "Sending is on since 5 Dec 2026 by admin@…", for a connection that sends. */
export function sendingSince(state: SendingState, t: Dict, lang: Lang, timeZone: string): string {
  if (!state.changedAt) return t.sendingIsOn;
  const by = switchedBy(state);
  const who = by ? ` ${t.by} ${by}` : '';
  return `${t.sendingIsOn} ${t.since} ${formatDate(state.changedAt, lang, timeZone)}${who}`;
}

export function sendingRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.post('/connections/:id/sending', async (c) => {
    const body = await c.req.parseBody();
    const enabled = body['enabled'] === 'on' ? true : body['enabled'] === 'off' ? false : null;
    if (enabled === null) return c.text('Say enabled=on or enabled=off.', 400);
    const session = c.get('session');
    const change = await switchSending(deps, tenantOf(c).id, c.req.param('id'), enabled, session.email, 'settings');
    if (!change) return c.notFound();
    const back = safeNext(typeof body['back'] === 'string' ? body['back'] : undefined, '/connections');
    const sep = back.includes('?') ? '&' : '?';
    return c.redirect(`${back}${sep}msg=${enabled ? 'sendingTurnedOn' : 'sendingTurnedOff'}`, 303);
  });
}
