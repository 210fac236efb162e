// The engine's explanation of a planned action (rules/evaluate.ts ExplainPart) in the page's language: steps by the
// names the policy gives them, amounts and dates formatted for the locale, no internal id. Actions planned before the
// engine kept its reasons as data fall back to its English sentence.
import type { PlannedAction } from '../../model/collections.js';
import type { ExplainPart } from '../../rules/evaluate.js';
import type { Policy } from '../../rules/policy.js';
import { stepName } from './held.js';
import { fill, formatDate, formatMoney, type Dict, type Lang } from './i18n.js';

const colon = (lang: Lang) => (lang === 'fr' ? '\u00a0: ' : ': ');

export function explainPart(r: ExplainPart, t: Dict, lang: Lang, policy: Policy): string {
  const name = (id: string) => stepName(policy, id);
  switch (r.code) {
    case 'step': {
      const when = r.dpd > 0 ? fill(r.dpd === 1 ? t.x_day_late : t.x_days_late, { n: r.dpd }) : r.dpd === 0 ? t.dueToday : fill(r.dpd === -1 ? t.x_day_before : t.x_days_before, { n: -r.dpd });
      return fill(t.x_step, { n: r.n, step: name(r.step), when });
    }
    case 'invoice':
      return fill(t.x_invoice, { number: r.number });
    case 'grouped':
      return fill(t.x_grouped, { reaching: r.reaching, listed: r.listed });
    case 'instalment':
      return fill(t.x_instalment, { n: r.n });
    case 'amount':
      return fill(t.x_amount, { amount: formatMoney(r.amount, r.currency, lang), min: formatMoney(r.min, r.currency, lang) });
    case 'segment':
      return `${t.segment}${colon(lang)}${r.segment && r.segment in t ? t[r.segment as keyof Dict] : t.x_unknown}`;
    case 'caught_up':
      return fill(t.x_caught_up, { n: r.days, step: name(r.step) });
    case 'scheduled_caught_up':
      return fill(t.x_scheduled_caught_up, { on: formatDate(r.on, lang) });
    case 'later_skipped':
      return fill(t.x_later_skipped, { n: r.steps.length });
    case 'covers':
      return fill(t.x_covers, { list: r.items.map((i) => `${i.number} (${name(i.step)})`).join(', ') });
    case 'note':
      return `${r.number}${colon(lang)}${r.note}`;
    case 'never_earlier':
      return t.x_never_earlier;
    case 'resumed':
      return fill(t.x_resumed, { on: formatDate(r.on, lang) });
    case 'warning':
      return r.text;
    case 'broken_promise': {
      const what = r.number ? fill(t.x_invoice, { number: r.number }) : t.x_overdue_invoices;
      return fill(t.x_broken_promise, { what, amount: r.amount ? ` (${formatMoney(r.amount, r.currency, lang)})` : '', on: formatDate(r.on, lang), owner: r.owner });
    }
  }
}

/** The whole explanation, one sentence per part; null when the action carries no reasons (planned by an older release). */
export function explainText(a: Pick<PlannedAction, 'reasons'>, t: Dict, lang: Lang, policy: Policy): string | null {
  if (!a.reasons?.length) return null;
  return (a.reasons as unknown as ExplainPart[]).map((r) => explainPart(r, t, lang, policy)).join(' · ');
}
