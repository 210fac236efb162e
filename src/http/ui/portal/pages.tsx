/** @jsxImportSource hono/jsx */
// The customer portal at /p/<token>: what the customer owes (in their language), the documents, how to pay, and four
// answers that act (dispute, promise, payment plan, already paid). Public: no session, so every form carries a nonce
// signed with the service key (CSRF) that is accepted once (replay), the Origin must be this site, and hits are limited
// per link and per address. A wrong, expired or revoked link gets one 404 page that says nothing about anyone.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { Dec, addDays, daysBetween, formatAmount, isBusinessDate, type Invoice } from '../../../model/index.js';
import { Instalment } from '../../../model/collections.js';
import { isPdf } from '../../../model/pdf.js';
import type { Sql } from '../../../store/db.js';
import type { AddedRates } from '../../../rules/rate-tables.js';
import { DICTS, fill, formatDate, formatMoney, type Dict, type Lang } from '../i18n.js';
import { Document } from '../layout.js';
import { Table } from '../components.js';
import { DISPUTE_REASONS, type AnswerDetail, type Attachment, type DisputeReason } from '../../../portal/answers.js';
import { statementPdf } from '../../../portal/statement-pdf.js';
import { expandPaymentLink } from '../../../model/payment-link.js';
import { answerStatement, markStatementViewed, openStatement, type PortalStatement } from '../../../app/portal.js';

export interface PortalDeps {
  sql: Sql;
  secretKey: Buffer;
  now?: () => Date;
  /** This site's public origin (forms must come from it); the request's own origin is accepted too. */
  publicUrl?: string | undefined;
  /** The operator's RATES_FILE, for the penalties the statement states; absent: none. */
  addedRates?: AddedRates;
}

const MAX_UPLOAD = 2 * 1024 * 1024;
/** Accepted attachments, recognised by their first bytes, not by what the browser claims. */
const MAGIC: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: 'application/pdf', ext: 'pdf', test: isPdf },
  { type: 'image/png', ext: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
];
/** What the portal page shows: the customer's statement (src/app/portal.ts) and the dictionary of its language. */
type Loaded = PortalStatement & { t: Dict };

export function portalRoutes(app: Hono, deps: PortalDeps): void {
  const mac = (linkId: string, nonce: string) => createHmac('sha256', deps.secretKey).update(`portal-form\u0000${linkId}\u0000${nonce}`).digest('base64url');

  const notFound = (c: Context) => {
    const t = DICTS[pickPortalLang(c.req.header('accept-language'))];
    return c.html(`<!doctype html>${String(<Document lang={t === DICTS.fr ? 'fr' : 'en'} title={t.portal_notFoundTitle}><main class="portal"><div class="card"><h1>{t.portal_notFoundTitle}</h1><p>{t.portal_notFoundBody}</p></div></main></Document>)}`, 404);
  };
  const tooMany = (c: Context) => {
    const t = DICTS[pickPortalLang(c.req.header('accept-language'))];
    c.header('Retry-After', '600');
    return c.html(`<!doctype html>${String(<Document lang={t === DICTS.fr ? 'fr' : 'en'} title={t.portal_tooManyTitle}><main class="portal"><div class="card"><h1>{t.portal_tooManyTitle}</h1><p>{t.portal_tooManyBody}</p></div></main></Document>)}`, 429);
  };

  /** Resolves the link and counts the hit; a Response when the visitor must stop here. */
  const load = async (c: Context, kind: 'view' | 'answer'): Promise<Loaded | Response> => {
    const token = c.req.param('token') ?? '';
    const ip = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress || 'local';
    const r = await openStatement(deps, token, kind, ip);
    if (r === 'too_many') return tooMany(c);
    if (r === 'not_found') return notFound(c);
    return { ...r, t: DICTS[r.lang] };
  };

  app.get('/p/:token', async (c) => {
    const l = await load(c, 'view');
    if (l instanceof Response) return l;
    // The first visit of this link (one link per reminder): "viewed on …" in the activity log and on the customer page.
    await markStatementViewed(deps, l.scope);
    const nonce = randomBytes(16).toString('base64url');
    c.header('Cache-Control', 'no-store');
    // The address holds the customer's key: it goes to no other site (the ERP's document links, any link out). Not
    // no-referrer: a browser then sends "Origin: null" with the page's own forms, which the origin check refuses.
    c.header('Referrer-Policy', 'same-origin');
    return c.html(`<!doctype html>${String(<Statement l={l} nonce={nonce} mac={mac(l.scope.linkId, nonce)} token={c.req.param('token') ?? ''} done={c.req.query('done') ?? null} errors={{}} values={{}} />)}`);
  });

  app.get('/p/:token/statement.pdf', async (c) => {
    const l = await load(c, 'view');
    if (l instanceof Response) return l;
    const pdf = await statementPdf({ company: l.companyName, customer: l.customer.name, today: l.today, lang: l.lang, invoices: l.open, credits: l.credits });
    const name = `${l.lang === 'fr' ? 'releve' : 'statement'}-${l.today}.pdf`;
    return c.body(new Uint8Array(pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });

  app.post('/p/:token', async (c) => {
    const l = await load(c, 'answer');
    if (l instanceof Response) return l;
    const publicOrigin = deps.publicUrl ? new URL(deps.publicUrl).origin : null;
    const origin = c.req.header('origin');
    if (!origin || (origin !== new URL(c.req.url).origin && origin !== publicOrigin)) return c.text(l.t.portal_refused, 403);
    const body = await c.req.parseBody();
    const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const nonce = s('nonce');
    const given = Buffer.from(s('mac'));
    const want = Buffer.from(mac(l.scope.linkId, nonce));
    if (!nonce || given.length !== want.length || !timingSafeEqual(given, want)) return c.text(l.t.portal_refused, 403);
    const parsed = await parseAnswer(body, l);
    const retry = (status: 400 | 413 | 422, errors: Record<string, string>) => {
      const fresh = randomBytes(16).toString('base64url');
      const values = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return c.html(`<!doctype html>${String(<Statement l={l} nonce={fresh} mac={mac(l.scope.linkId, fresh)} token={c.req.param('token') ?? ''} done={null} errors={errors} values={values} />)}`, status);
    };
    if ('errors' in parsed) return retry(parsed.status, parsed.errors);
    const inv = parsed.invoice;
    const result = await answerStatement(deps, l.scope, { invoiceExternalId: inv?.externalId ?? null, detail: parsed.detail, nonce, attachment: parsed.attachment, today: l.today, customerName: l.customer.name, invoiceNumber: inv?.number ?? null });
    if (result === 'replayed') return c.redirect(`/p/${c.req.param('token')}?done=already`, 303);
    return c.redirect(`/p/${c.req.param('token')}?done=${parsed.detail.kind}`, 303);
  });
}

/** The portal's language before the customer is known (the 404 and 429 pages): the browser's. */
function pickPortalLang(accept: string | undefined): Lang {
  return /^\s*fr\b/i.test(accept ?? '') ? 'fr' : 'en';
}

/** Reads and checks one answer; errors are in the customer's language, keyed by field. */
async function parseAnswer(
  body: Record<string, string | File | (string | File)[]>,
  l: Loaded,
): Promise<{ detail: AnswerDetail; invoice: Invoice | null; attachment: Attachment | null } | { status: 400 | 413 | 422; errors: Record<string, string> }> {
  const t = l.t;
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const kind = s('kind');
  const errors: Record<string, string> = {};
  const invoice = l.open.find((i) => i.externalId === s('invoice')) ?? null;
  if (kind !== 'promise' || s('invoice')) if (!invoice) errors['invoice'] = t.portal_err_invoice;
  const text = s('text').slice(0, 1000);
  let attachment: Attachment | null = null;
  const file = body['file'];
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_UPLOAD) return { status: 413, errors: { file: t.portal_err_fileSize } };
    const bytes = Buffer.from(await file.arrayBuffer());
    const kindOf = MAGIC.find((m) => m.test(bytes));
    if (!kindOf) errors['file'] = t.portal_err_fileType;
    else attachment = { bytes, type: kindOf.type, name: `${kind}-${invoice?.number ?? 'document'}.${kindOf.ext}`.replace(/[^\w.-]/g, '_') };
  }
  const amountOf = (k: string) => {
    const v = s(k).replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    return /^\d{1,12}(\.\d{1,2})?$/.test(v) && new Dec(v).gt(0) ? v : null;
  };
  // A day the calendar has: Date.parse reads 2026-02-30 as 2 March, and a browser without a date picker lets one type it.
  const dateOf = (k: string) => (isBusinessDate(s(k)) ? s(k) : null);
  let detail: AnswerDetail | null = null;
  if (kind === 'dispute') {
    const reason = s('reason') as DisputeReason;
    if (!(DISPUTE_REASONS as readonly string[]).includes(reason)) errors['reason'] = t.portal_err_reason;
    if (reason === 'other' && !text) errors['text'] = t.portal_err_text;
    detail = { kind, reason, text };
  } else if (kind === 'promise') {
    const on = dateOf('on');
    if (!on || on < l.today || on > addDays(l.today, l.promiseMaxDays)) errors['on'] = fill(t.portal_err_promiseDate, { max: formatDate(addDays(l.today, l.promiseMaxDays), l.lang) });
    const amount = s('amount') ? amountOf('amount') : null;
    if (s('amount') && !amount) errors['amount'] = t.portal_err_amount;
    const covered = invoice ? [invoice] : l.open;
    if (new Set(covered.map((i) => i.currency)).size > 1 && amount) errors['amount'] = t.portal_err_currency;
    const balance = covered.reduce((a, i) => a.plus(i.amountDue), new Dec(0)).toFixed();
    detail = { kind, on: on ?? '', amount, balance };
  } else if (kind === 'plan') {
    const lines = s('instalments').split(/\r?\n/).map((x) => x.trim()).filter(Boolean);
    const instalments: { dueOn: string; amount: string }[] = [];
    for (const line of lines) {
      const [d, a] = line.split(/[\s;]+/);
      const r = Instalment.safeParse({ dueOn: d, amount: a?.replace(',', '.') });
      if (!r.success || r.data.dueOn < l.today) {
        errors['instalments'] = t.portal_err_instalments;
        break;
      }
      instalments.push(r.data);
    }
    if (instalments.length === 0) errors['instalments'] ??= t.portal_err_instalments;
    if (invoice && instalments.length && !instalments.reduce((a, x) => a.plus(x.amount), new Dec(0)).eq(invoice.amountDue)) errors['instalments'] ??= fill(t.portal_err_planTotal, { total: formatMoney(invoice.amountDue, invoice.currency, l.lang) });
    detail = { kind, instalments, text };
  } else if (kind === 'paid') {
    const on = dateOf('on');
    if (!on || on > l.today) errors['on'] = t.portal_err_paidDate;
    const amount = amountOf('amount');
    if (!amount) errors['amount'] = t.portal_err_amount;
    detail = { kind, on: on ?? '', amount: amount ?? '', reference: s('reference').slice(0, 200) };
  } else {
    return { status: 400, errors: { kind: t.portal_err_kind } };
  }
  if (Object.keys(errors).length) return { status: 422, errors };
  return { detail: detail!, invoice, attachment };
}

function Statement(props: { l: Loaded; nonce: string; mac: string; token: string; done: string | null; errors: Record<string, string>; values: Record<string, string> }) {
  const { l, nonce, mac, token, done, errors, values } = props;
  const { t, lang } = l;
  const currencies = [...new Set(l.open.map((i) => i.currency))];
  const sums = currencies.map((cur) => ({ cur, amount: formatAmount(l.open.filter((i) => i.currency === cur).reduce((a, i) => a.plus(i.amountDue), new Dec(0)), cur) }));
  const totals = sums.map((s) => formatMoney(s.amount, s.cur, lang));
  // The company's own payment page, filled in for what is asked: no card data passes through here.
  const template = l.company?.paymentLink ?? null;
  const payLink = (reference: string, amount: string, currency: string) => (template ? expandPaymentLink(template, { reference, amount, currency }) : null);
  const v = (k: string) => values[k] ?? '';
  const err = (k: string) => (errors[k] ? <div class="err">{errors[k]}</div> : null);
  /** A field's class: marked when it is to be corrected. */
  const field = (toCorrect: unknown) => (toCorrect ? 'field invalid' : 'field');
  const Hidden = () => (
    <>
      <input type="hidden" name="nonce" value={nonce} />
      <input type="hidden" name="mac" value={mac} />
    </>
  );
  const InvoiceSelect = (p: { id: string; optional?: boolean }) => (
    <div class={field(errors['invoice'] && values['kind'] === p.id)}>
      <label for={`${p.id}-invoice`}>{t.portal_invoice}</label>
      <select id={`${p.id}-invoice`} name="invoice">
        {p.optional ? <option value="">{t.portal_allInvoices}</option> : null}
        {l.open.map((i) => (
          <option value={i.externalId} selected={values['kind'] === p.id && v('invoice') === i.externalId}>
            {i.number ?? '—'} · {formatMoney(i.amountDue, i.currency, lang)}
          </option>
        ))}
      </select>
      {values['kind'] === p.id ? err('invoice') : null}
    </div>
  );
  const mine = (k: string) => values['kind'] === k;
  return (
    <Document lang={lang} title={fill(t.portal_title, { company: l.companyName })}>
      <main class="portal">
        <header class="card">
          <p class="hint" data-company>
            <strong>{l.companyName}</strong>
            {l.company?.address ? <> · {l.company.address}</> : null}
            {l.company?.email || l.company?.phone ? (
              <>
                <br />
                {fill(t.portal_contact, { who: [l.company.contact, l.company.email, l.company.phone].filter(Boolean).join(' · ') })}
              </>
            ) : null}
          </p>
          <h1>{fill(t.portal_hello, { customer: l.customer.name })}</h1>
          <p>{l.open.length ? fill(t.portal_intro, { total: totals.join(' + ') }) : t.portal_nothingDue}</p>
          {done ? (
            <div class={`flash ${done === 'already' ? 'info' : 'ok'}`} role="status" data-done={done}>
              {t[`portal_done_${done}` as keyof Dict] ?? t.portal_done_dispute}
            </div>
          ) : null}
          {Object.keys(errors).length ? (
            <div class="flash bad" role="alert">
              {errors['kind'] ?? t.portal_fix}
            </div>
          ) : null}
        </header>
        {l.open.length ? (
          <section class="card">
            <h2>{t.portal_openInvoices}</h2>
            <Table class="stack" head={[t.portal_invoice, t.portal_issued, t.portal_due, { label: t.portal_total, class: 'num' }, { label: t.portal_amountDue, class: 'num' }, t.portal_late]}>
              {l.open.map((i) => {
                const late = daysBetween(i.dueDate, l.today);
                return (
                  <tr data-invoice={i.number ?? ''}>
                    <td data-label={t.portal_invoice}>
                      {i.pdfUrl && /^https:\/\//.test(i.pdfUrl) ? (
                        <a href={i.pdfUrl} rel="noopener noreferrer" target="_blank">
                          {i.number ?? '—'}
                        </a>
                      ) : (
                        (i.number ?? '—')
                      )}
                    </td>
                    <td data-label={t.portal_issued}>{formatDate(i.issueDate, lang)}</td>
                    <td data-label={t.portal_due}>{formatDate(i.dueDate, lang)}</td>
                    <td class="num" data-label={t.portal_total}>
                      {formatMoney(i.total, i.currency, lang)}
                    </td>
                    <td class="num" data-label={t.portal_amountDue}>
                      <strong>{formatMoney(i.amountDue, i.currency, lang)}</strong>
                      {template ? (
                        <div>
                          <a href={payLink(i.number ?? i.externalId, i.amountDue, i.currency)!} rel="noopener noreferrer" target="_blank" data-pay-invoice={i.number ?? ''}>
                            {t.portal_payThis}
                          </a>
                        </div>
                      ) : null}
                    </td>
                    <td data-label={t.portal_late}>{late > 0 ? fill(t.portal_daysLate, { n: late }) : t.portal_notDue}</td>
                  </tr>
                );
              })}
            </Table>
            {l.penalties ? (
              <div class="penalties" data-penalties>
                <h3>{t.portal_penaltiesTitle}</h3>
                <table>
                  <tbody>
                    <tr>
                      <td>{fill(t.portal_interest, { rate: l.penalties.rate })}</td>
                      <td class="num">{l.penalties.interest}</td>
                    </tr>
                    <tr>
                      <td>{t.portal_fixedSum}</td>
                      <td class="num">{l.penalties.compensation}</td>
                    </tr>
                    <tr>
                      <td>
                        <strong>{t.portal_totalClaimed}</strong>
                      </td>
                      <td class="num">
                        <strong>{l.penalties.total_claimed}</strong>
                      </td>
                    </tr>
                  </tbody>
                </table>
                <p class="hint">{l.penalties.basis}</p>
              </div>
            ) : null}
            {template && l.open.length ? (
              <div class="pay" data-pay="link">
                <h3>{t.portal_payOnline}</h3>
                <p class="actions">
                  {sums.map((s) => (
                    <a class="button" href={payLink(l.open.filter((i) => i.currency === s.cur).map((i) => i.number ?? i.externalId).join(' '), s.amount, s.cur)!} rel="noopener noreferrer" target="_blank">
                      {fill(t.portal_payAmount, { amount: formatMoney(s.amount, s.cur, lang) })}
                    </a>
                  ))}
                </p>
              </div>
            ) : null}
            {l.company?.iban ? (
              <div class="pay" data-pay="transfer">
                <h3>{t.portal_payTransfer}</h3>
                <p>
                  {t.portal_iban} <code>{l.company.iban.replace(/(.{4})/g, '$1 ').trim()}</code>
                  {l.company.bic ? (
                    <>
                      {' '}
                      · {t.portal_bic} <code>{l.company.bic}</code>
                    </>
                  ) : null}
                  <br />
                  {fill(t.portal_reference_hint, { numbers: l.open.map((i) => i.number ?? '—').join(', ') })}
                </p>
              </div>
            ) : null}
            <p>
              <a href={`/p/${token}/statement.pdf`} download>
                {t.portal_download}
              </a>
            </p>
            {l.credits.length ? (
              <p class="hint">
                {t.portal_credits}{' '}
                {l.credits.map((n) => `${n.number} (${formatMoney(n.remaining, n.currency, lang)})`).join(', ')}
              </p>
            ) : null}
          </section>
        ) : null}
        {l.open.length ? (
          <section class="card">
            <h2>{t.portal_answerTitle}</h2>
            <p class="hint">{t.portal_answerHint}</p>
            <details class="answer" open={mine('promise')}>
              <summary>{t.portal_promise}</summary>
              <form method="post" action={`/p/${token}`}>
                <Hidden />
                <input type="hidden" name="kind" value="promise" />
                <InvoiceSelect id="promise" optional={true} />
                <div class="row">
                  <div class={field(mine('promise') && errors['on'])}>
                    <label for="promise-on">{t.portal_promiseOn}</label>
                    <input id="promise-on" type="date" name="on" required min={l.today} max={addDays(l.today, l.promiseMaxDays)} value={mine('promise') ? v('on') : ''} />
                    {mine('promise') ? err('on') : null}
                  </div>
                  <div class={field(mine('promise') && errors['amount'])}>
                    <label for="promise-amount">{t.portal_promiseAmount}</label>
                    <input id="promise-amount" type="text" inputmode="decimal" name="amount" maxlength={20} value={mine('promise') ? v('amount') : ''} />
                    {mine('promise') ? err('amount') : null}
                  </div>
                </div>
                <button type="submit">{t.portal_send}</button>
              </form>
            </details>
            <details class="answer" open={mine('dispute')}>
              <summary>{t.portal_dispute}</summary>
              <form method="post" action={`/p/${token}`} enctype="multipart/form-data">
                <Hidden />
                <input type="hidden" name="kind" value="dispute" />
                <InvoiceSelect id="dispute" />
                <div class={field(mine('dispute') && errors['reason'])}>
                  <label for="dispute-reason">{t.portal_reason}</label>
                  <select id="dispute-reason" name="reason">
                    {DISPUTE_REASONS.map((r) => (
                      <option value={r} selected={mine('dispute') && v('reason') === r}>
                        {t[`portal_reason_${r}`]}
                      </option>
                    ))}
                  </select>
                  {mine('dispute') ? err('reason') : null}
                </div>
                <div class={field(mine('dispute') && errors['text'])}>
                  <label for="dispute-text">{t.portal_details}</label>
                  <textarea id="dispute-text" name="text" maxlength={1000}>
                    {mine('dispute') ? v('text') : ''}
                  </textarea>
                  {mine('dispute') ? err('text') : null}
                </div>
                <div class={field(mine('dispute') && errors['file'])}>
                  <label for="dispute-file">{t.portal_file}</label>
                  <input id="dispute-file" type="file" name="file" accept="application/pdf,image/png,image/jpeg" />
                  {mine('dispute') ? err('file') : null}
                </div>
                <button type="submit">{t.portal_send}</button>
              </form>
            </details>
            <details class="answer" open={mine('plan')}>
              <summary>{t.portal_plan}</summary>
              <form method="post" action={`/p/${token}`}>
                <Hidden />
                <input type="hidden" name="kind" value="plan" />
                <InvoiceSelect id="plan" />
                <div class={field(mine('plan') && errors['instalments'])}>
                  <label for="plan-instalments">{t.portal_instalments}</label>
                  <textarea id="plan-instalments" name="instalments" placeholder={lang === 'fr' ? '2027-01-15 500,00' : '2027-01-15 500.00'}>
                    {mine('plan') ? v('instalments') : ''}
                  </textarea>
                  {mine('plan') ? err('instalments') : null}
                </div>
                <div class="field">
                  <label for="plan-text">{t.portal_details}</label>
                  <textarea id="plan-text" name="text" maxlength={1000}>
                    {mine('plan') ? v('text') : ''}
                  </textarea>
                </div>
                <button type="submit">{t.portal_send}</button>
              </form>
            </details>
            <details class="answer" open={mine('paid')}>
              <summary>{t.portal_paid}</summary>
              <form method="post" action={`/p/${token}`} enctype="multipart/form-data">
                <Hidden />
                <input type="hidden" name="kind" value="paid" />
                <InvoiceSelect id="paid" />
                <div class="row">
                  <div class={field(mine('paid') && errors['on'])}>
                    <label for="paid-on">{t.portal_paidOn}</label>
                    <input id="paid-on" type="date" name="on" required max={l.today} value={mine('paid') ? v('on') : ''} />
                    {mine('paid') ? err('on') : null}
                  </div>
                  <div class={field(mine('paid') && errors['amount'])}>
                    <label for="paid-amount">{t.portal_paidAmount}</label>
                    <input id="paid-amount" type="text" inputmode="decimal" name="amount" required maxlength={20} value={mine('paid') ? v('amount') : ''} />
                    {mine('paid') ? err('amount') : null}
                  </div>
                </div>
                <div class="field">
                  <label for="paid-reference">{t.portal_reference}</label>
                  <input id="paid-reference" type="text" name="reference" maxlength={200} value={mine('paid') ? v('reference') : ''} />
                </div>
                <div class={field(mine('paid') && errors['file'])}>
                  <label for="paid-file">{t.portal_remittance}</label>
                  <input id="paid-file" type="file" name="file" accept="application/pdf,image/png,image/jpeg" />
                  {mine('paid') ? err('file') : null}
                </div>
                <button type="submit">{t.portal_send}</button>
              </form>
            </details>
          </section>
        ) : null}
        <p class="hint">{fill(t.portal_footer, { company: l.companyName })}</p>
      </main>
    </Document>
  );
}
