/** @jsxImportSource hono/jsx */
// What the insolvency watch found (#27), in the reader's language: the card on a customer's page (the notice that wins,
// the claim declaration's deadline, what was held, earlier notices) and the dashboard's list of customers under
// proceedings.
import { claimDeadline } from '../../../insolvency/effects.js';
import type { StoredNotice, UnderProceedings } from '../../../store/insolvency.js';
import { fill, formatDate, type Dict, type Lang } from '../i18n.js';
import { Badge } from '../layout.js';

export function noticeLine(n: StoredNotice, t: Dict, lang: Lang): string {
  return fill(t.insolvencyLine, {
    type: t[`noticeType_${n.type}`],
    judged: formatDate(n.judgmentDate, lang),
    court: n.court ?? t.insolvencyNoCourt,
    source: n.source.toUpperCase(),
    published: formatDate(n.publicationDate, lang),
    notice: n.noticeId,
  });
}

/** The opening notice a deadline runs from: the latest opening among `history` (newest first). */
const openingOf = (history: readonly StoredNotice[]) => history.find((n) => n.type === 'opening') ?? null;

export function InsolvencyCard(props: { history: readonly StoredNotice[]; heldInvoices: number; today: string; t: Dict; lang: Lang }) {
  const { history, heldInvoices, today, t, lang } = props;
  const latest = history[0];
  if (!latest) return null;
  const opening = openingOf(history);
  const deadline = opening ? claimDeadline(opening.publicationDate) : null;
  return (
    <div class="card insolvency" data-insolvency={latest.type}>
      <h2>
        {t.insolvencyTitle} <Badge tone="bad">{t[`noticeType_${latest.type}`]}</Badge>
      </h2>
      <p>{noticeLine(latest, t, lang)}</p>
      {latest.mandataire ? <p>{fill(t.insolvencyMandataire, { name: latest.mandataire })}</p> : null}
      {deadline ? (
        <p class={deadline < today ? 'err' : ''} data-claim-deadline={deadline}>
          <strong>{fill(deadline < today ? t.insolvencyDeadlinePassed : t.insolvencyDeadline, { date: formatDate(deadline, lang) })}</strong>
        </p>
      ) : null}
      {heldInvoices ? <p class="hint">{fill(t.insolvencyHeld, { n: heldInvoices })}</p> : null}
      {latest.type !== 'opening' ? <p class="hint">{t.insolvencyDecide}</p> : null}
      {history.length > 1 ? (
        <details>
          <summary>{t.insolvencyHistory}</summary>
          <ul>
            {history.slice(1).map((n) => (
              <li>{noticeLine(n, t, lang)}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** The dashboard's list: who is under proceedings, and by when each claim must be declared (soonest first). */
export function UnderProceedingsCard(props: { rows: readonly UnderProceedings[]; today: string; t: Dict; lang: Lang }) {
  const { rows, today, t, lang } = props;
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => a.publicationDate.localeCompare(b.publicationDate) || a.name.localeCompare(b.name));
  return (
    <div class="card insolvency" data-under-proceedings={rows.length}>
      <h2>
        {t.insolvencyDashboard} <Badge tone="bad">{rows.length}</Badge>
      </h2>
      <p class="hint">{t.insolvencyDashboardHint}</p>
      <ul>
        {sorted.map((r) => {
          const deadline = claimDeadline(r.publicationDate);
          return (
            <li>
              <a href={`/customers/${r.connectionId}/${encodeURIComponent(r.customerExternalId)}`}>{r.name}</a>
              {' · '}
              <span class={deadline < today ? 'err' : ''}>{fill(t.insolvencyDeadlineShort, { date: formatDate(deadline, lang) })}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
