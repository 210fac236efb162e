/** @jsxImportSource hono/jsx */
// What waits on a preview day, and why, in the page's language: escalation waiting for its predecessor, the daily
// limit, one message per customer, e-invoicing statuses.
import type { CancelWhy } from '../../model/collections.js';
import type { HeldWhy, Held } from '../../rules/evaluate.js';
import type { Policy } from '../../rules/policy.js';
import { fill, formatDate, type Dict, type Lang } from './i18n.js';

/** The step's name as the policy gives it (what the user wrote), else its id. */
export const stepName = (policy: Policy, id: string | null): string => (id ? (policy.steps.find((s) => s.id === id)?.name ?? id) : '');

export function heldText(why: HeldWhy, t: Dict, lang: Lang, policy: Policy): string {
  const d = (s: string | null) => (s ? formatDate(s, lang) : '');
  switch (why.code) {
    case 'planned':
      return fill(t.held_planned, { step: stepName(policy, why.step), on: d(why.on) });
    case 'failed':
      return fill(t.held_failed, { step: stepName(policy, why.step), error: why.error });
    case 'cancelled':
      return fill(t.held_cancelled, { step: stepName(policy, why.step), by: why.by, note: why.note });
    case 'not_sent':
      return fill(t.held_not_sent, { step: stepName(policy, why.step) });
    case 'deadline':
      return fill(t.held_deadline, { step: stepName(policy, why.step), sentOn: d(why.sentOn), until: d(why.until) });
    case 'gap':
      return fill(t.held_gap, { step: stepName(policy, why.step), sentOn: d(why.sentOn), notBefore: d(why.notBefore) });
    case 'one_voice':
      return fill(t.held_one_voice, { step: stepName(policy, why.step), day: d(why.day) });
    case 'one_voice_taken':
      return fill(t.held_one_voice_taken, { day: d(why.day) });
    case 'daily_cap':
      return fill(t.held_daily_cap, { cap: why.cap, day: d(why.day) });
    case 'quiet':
      return fill(t.held_quiet, { last: d(why.last), until: d(why.until) });
    case 'e_invoicing':
      return fill(t[`held_einv_${why.hold}`], { platformReason: why.platformReason ? ` (${why.platformReason})` : '', since: d(why.since), until: d(why.until) });
    case 'paused':
      if (why.pause === 'insolvency') return fill(t.held_paused_insolvency, { since: d(why.since) });
      return fill(t.held_paused, { pause: t[`pauseKind_${why.pause}`], since: d(why.since), until: why.until ? fill(t.why_until, { until: d(why.until) }) : '' });
  }
}

/** Why an action was cancelled (a pause, a person, a policy change), in the page's language; null when not one of those. */
export function cancelWhyText(why: unknown, t: Dict, lang: Lang, policy: Policy): string | null {
  const w = why as CancelWhy | null | undefined;
  switch (w?.code) {
    case 'paused':
      return fill(t.why_paused, { pause: t[`pauseKind_${w.pause}`], since: formatDate(w.since, lang), until: w.until ? fill(t.why_until, { until: formatDate(w.until, lang) }) : '', by: w.by });
    case 'user':
      return fill(t.why_user, { by: w.by, note: w.note });
    case 'policy':
      return fill(t.why_policy, { from: w.from, to: w.to, step: stepName(policy, w.step) });
    case 'address_failing':
      return fill(t.why_address_failing, { addresses: w.addresses.join(', '), since: formatDate(w.since, lang) });
    default:
      return null;
  }
}

export function HeldList(props: { held: readonly Held[]; names: ReadonlyMap<string, string>; invoiceNumbers: ReadonlyMap<string, string>; t: Dict; lang: Lang; policy: Policy }) {
  const { held, names, invoiceNumbers, t, lang, policy } = props;
  if (held.length === 0) return null;
  return (
    <details class="held" open>
      <summary>
        {t.heldTitle} ({held.length})
      </summary>
      <ul>
        {held.map((h) => (
          <li data-held={h.why.code}>
            <strong>{names.get(h.customerExternalId) ?? h.customerExternalId}</strong>
            {` · ${invoiceNumbers.get(h.invoiceExternalId) ?? h.invoiceExternalId}`}
            {h.stepId ? ` · ${stepName(policy, h.stepId)}` : ''}
            {lang === 'fr' ? ' : ' : ': '}
            {heldText(h.why, t, lang, policy)}
          </li>
        ))}
      </ul>
    </details>
  );
}
