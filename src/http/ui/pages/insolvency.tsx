/** @jsxImportSource hono/jsx */
// What the insolvency watch found (#27), in the reader's language: the card on a customer's page (the notice that wins,
// the claim declaration's deadline, what was held, earlier notices) and the dashboard's list of customers under
// proceedings.
import { claimDue } from '../../../insolvency/effects.js';
import type { StoredNotice, UnderProceedings } from '../../../store/insolvency.js';
import { fill, formatDate, type Dict, type Lang } from '../i18n.js';
import { Badge, Csrf } from '../layout.js';
import type { CompanySuggestion } from '../../../insolvency/register.js';

const isUk = (n: StoredNotice) => n.source === 'companies_house';

export function noticeLine(n: StoredNotice, t: Dict, lang: Lang): string {
  const line = isUk(n)
    ? fill(t.insolvencyLineUk, { type: t[`noticeType_${n.type}`], judged: formatDate(n.judgmentDate, lang), notice: n.noticeId })
    : fill(t.insolvencyLine, {
    type: t[`noticeType_${n.type}`],
    judged: formatDate(n.judgmentDate, lang),
    court: n.court ?? t.insolvencyNoCourt,
    source: n.source.toUpperCase(),
    published: formatDate(n.publicationDate, lang),
    notice: n.noticeId,
  });
  return n.kind === 'initial' ? line : fill(t[`noticeKind_${n.kind}`], { line });
}

/**
 * The opening notice the deadline runs from: of the latest opening judgment, its first publication (a correction of
 * the same judgment keeps the first deadline, as the task does).
 */
function openingOf(history: readonly StoredNotice[]): StoredNotice | null {
  const openings = history.filter((n) => n.type === 'opening' && n.kind !== 'withdrawal');
  const judged = openings.map((n) => n.judgmentDate).sort().at(-1);
  return openings.filter((n) => n.judgmentDate === judged).sort((a, b) => a.publicationDate.localeCompare(b.publicationDate))[0] ?? null;
}

export function InsolvencyCard(props: { history: readonly StoredNotice[]; heldInvoices: number; today: string; base: string; refused: 'rate_missing' | 'withdrawn' | 'other' | null; t: Dict; lang: Lang }) {
  const { history, heldInvoices, today, base, refused, t, lang } = props;
  const latest = history[0];
  if (!latest) return null;
  const opening = openingOf(history);
  const deadline = opening ? claimDue(opening) : null;
  return (
    <div class="card insolvency" id="insolvency" data-insolvency={latest.kind === 'withdrawal' ? 'withdrawn' : latest.type}>
      <h2>
        {t.insolvencyTitle} <Badge tone="bad">{latest.kind === 'withdrawal' ? t.noticeWithdrawn : t[`noticeType_${latest.type}`]}</Badge>
      </h2>
      <p>{noticeLine(latest, t, lang)}</p>
      {latest.mandataire ? <p>{fill(isUk(latest) ? t.insolvencyOfficeHolder : t.insolvencyMandataire, { name: latest.mandataire })}</p> : null}
      {deadline ? (
        <p class={deadline < today ? 'err' : ''} data-claim-deadline={deadline}>
          <strong>{fill(deadline < today ? t.insolvencyDeadlinePassed : opening && isUk(opening) ? t.insolvencyDeadlineUk : t.insolvencyDeadline, { date: formatDate(deadline, lang) })}</strong>
        </p>
      ) : null}
      {heldInvoices ? <p class="hint">{fill(t.insolvencyHeld, { n: heldInvoices })}</p> : null}
      {latest.type !== 'opening' || latest.kind === 'withdrawal' ? <p class="hint">{t.insolvencyDecide}</p> : null}
      {opening && latest.kind !== 'withdrawal' ? (
        <form method="get" action={`${base}/declaration.pdf`} class="declaration" data-declaration>
          <h3>{t.declarationTitle}</h3>
          <p class="hint">{t.declarationHint}</p>
          <label class="check">
            <input type="checkbox" name="retention" value="1" /> {t.declarationRetention}
          </label>
          <div class="field">
            <label for="d-guarantees">{t.declarationGuarantees}</label>
            <textarea id="d-guarantees" name="guarantees" rows={2} maxlength={1000}></textarea>
          </div>
          <button type="submit" class="small">
            {t.declarationDownload}
          </button>
        </form>
      ) : null}
      {refused ? (
        <p class="err" data-declaration-refused={refused}>
          {t[`declarationRefused_${refused}`]}
        </p>
      ) : null}
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
          const deadline = claimDue(r);
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

export interface RegNoState {
  fromBooks: string | null;
  confirmed: string | null;
  confirmedBy: string | null;
}

/** "SIREN 552 100 554" as a SIREN is written; any other registration number (a UK company number) as itself. */
const numberText = (n: string, t: Dict) => (/^\d{9}$/.test(n) ? `SIREN ${n.replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3')}` : fill(t.regNoUk, { number: n }));

/**
 * The customer's registration number and where it comes from; without one, a search in the public register whose
 * suggestions a person confirms (never applied silently), or a SIREN typed by hand.
 */
export function RegNoCard(props: {
  state: RegNoState;
  base: string;
  csrf: string;
  canChange: boolean;
  /**
   * Which public register is searched: the French one for a customer in France (or whose country the books do not
   * say), Companies House for a UK customer (with its key), none otherwise.
   */
  register: 'fr' | 'uk' | 'uk_no_key' | null;
  search: { suggestions: readonly CompanySuggestion[]; postcode: string | null } | { unavailable: true } | null;
  error: string | null;
  t: Dict;
}) {
  const { state, base, csrf, canChange, register, search, error, t } = props;
  const uk = register === 'uk';
  return (
    <div class="card" id="reg-no" data-reg-no={state.fromBooks ? 'books' : state.confirmed ? 'confirmed' : 'none'}>
      <h2>{t.regNoTitle}</h2>
      {state.fromBooks ? <p>{fill(t.regNoFromBooks, { number: numberText(state.fromBooks, t) })}</p> : null}
      {!state.fromBooks && state.confirmed ? (
        <form method="post" action={`${base}/reg-no/forget`} class="actions">
          <Csrf token={csrf} />
          <span>{fill(t.regNoConfirmed, { number: numberText(state.confirmed, t), by: state.confirmedBy ?? '—' })}</span>
          {canChange ? (
            <button type="submit" class="small secondary">
              {t.regNoForget}
            </button>
          ) : null}
        </form>
      ) : null}
      {!state.fromBooks && !state.confirmed && !register ? <p class="hint">{t.regNoNoneAbroad}</p> : null}
      {!state.fromBooks && !state.confirmed && register === 'uk_no_key' ? <p class="hint">{t.regNoNoKey}</p> : null}
      {!state.fromBooks && !state.confirmed && (register === 'fr' || register === 'uk') ? (
        <>
          <p class="hint">{uk ? t.regNoUnknownUk : t.regNoUnknown}</p>
          {canChange ? (
            <>
              <a class="button small secondary" href={`${base}?siren=search#reg-no`}>
                {uk ? t.regNoSearchUk : t.regNoSearch}
              </a>
              {search && 'unavailable' in search ? <p class="err">{t.regNoUnavailable}</p> : null}
              {search && 'suggestions' in search && search.suggestions.length === 0 ? (
                <p class="hint" data-suggestions="0">
                  {fill(t.regNoNoMatch, { postcode: search.postcode ? fill(t.regNoInPostcode, { postcode: search.postcode }) : '' })}
                </p>
              ) : null}
              {search && 'suggestions' in search && search.suggestions.length ? (
                <ul class="suggestions" data-suggestions={search.suggestions.length}>
                  {search.suggestions.map((s) => (
                    <li data-number={s.number}>
                      <form method="post" action={`${base}/reg-no`} class="actions">
                        <Csrf token={csrf} />
                        <input type="hidden" name="number" value={s.number} />
                        <span>
                          <strong>{s.name}</strong> · {numberText(s.number, t)}
                          {s.address ? ` · ${s.address}` : s.city ? ` · ${s.postalCode ?? ''} ${s.city}` : ''}
                          {s.active ? '' : ` · ${t.regNoCeased}`}
                        </span>
                        <button type="submit" class="small">
                          {t.regNoThisOne}
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              ) : null}
              <form method="post" action={`${base}/reg-no`} class="actions">
                <Csrf token={csrf} />
                <label for="number-manual">{uk ? t.regNoManualUk : t.regNoManual}</label>
                <input id="number-manual" name="number" {...(uk ? {} : { inputmode: 'numeric' })} maxlength={14} autocomplete="off" />
                <button type="submit" class="small secondary">
                  {uk ? t.regNoSaveUk : t.regNoSave}
                </button>
              </form>
              {error ? <p class="err">{error}</p> : null}
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
