/** @jsxImportSource hono/jsx */
// Templates: edit a message template for the company (validated Liquid), previewed on a real planned action of the tenant.
import type { Hono } from 'hono';
import { TEMPLATE_IDS, type RenderedMessage } from '../../../actions/index.js';
import type { Language } from '../../../actions/format.js';
import { checkTemplate, isTemplateEdited, letterPreview, resetTemplate, saveTemplate, templateOf, templateStepNames, type OnInvoice, type TemplateParts } from '../../../app/templates.js';
import { tenantOf, visibleTenants, type UiContext, type UiDeps, type UiEnv } from '../context.js';
import { Csrf, Flash, Page, render } from '../layout.js';
import { Card, Empty } from '../components.js';
import type { Dict } from '../i18n.js';
import { templateLabelKey } from '../i18n.js';
import { pickConnection } from './pick.js';
import type { InvoiceChoice, InvoicePreview } from '../../../collections/invoice-preview.js';
import { gapWords } from '../../../actions/letterhead.js';
import { formatMoney as formatAmountFor } from '../../../actions/format.js';
import { COMPANY_TEXT } from '../company-text.js';
import { PROFILE_PATH } from './company.js';

type Parts = TemplateParts;

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_m, k: string) => String(values[k] ?? ''));

/** The penalties of the chosen invoice as the letter states them: interest per period with its rate, the fixed sum, the total claimed. */
function PenaltiesCard(props: { preview: InvoicePreview; lang: Language; query: string }) {
  const { preview, lang } = props;
  const p = COMPANY_TEXT[lang];
  const v = preview.vars;
  const inv = v.invoices[0]!;
  return (
    <div class="card" data-penalties={v.penalties ? 'yes' : 'no'}>
      <h2>
        {p.penaltiesTitle} {v.today}
      </h2>
      <p>
        <strong>{preview.choice.customerName}</strong> · {inv.number}
      </p>
      {preview.gaps.length ? (
        <div class="flash warn" data-held="profile">
          {p.letterHeld} {gapWords(preview.gaps, lang)}. <a href={PROFILE_PATH}>{p.completeProfile}</a>
        </div>
      ) : null}
      {preview.rateMissing ? <div class="flash warn">{fill(p.rateMissing, { period: preview.rateMissing })}</div> : null}
      {/* Two columns, which fit a phone as they are: no stacking. */}
      <table>
        <tbody>
          <tr>
            <td>{p.principal}</td>
            <td class="num">{v.total_due}</td>
          </tr>
          {v.penalties ? (
            <>
              <tr data-row="interest">
                <td>
                  {p.interest} ({v.penalties.rate})
                  {inv.periods.map((x) => (
                    <div class="hint">{fill(p.periodText, { ...x })}</div>
                  ))}
                </td>
                <td class="num">{v.penalties.interest}</td>
              </tr>
              <tr data-row="fixed-sum">
                <td>{p.fixedSum}</td>
                <td class="num">{v.penalties.compensation}</td>
              </tr>
              <tr data-row="total">
                <td>
                  <strong>{p.totalClaimed}</strong>
                </td>
                <td class="num">
                  <strong>{v.penalties.total_claimed}</strong>
                </td>
              </tr>
            </>
          ) : null}
        </tbody>
      </table>
      {v.penalties ? <p class="hint">{v.penalties.basis}</p> : preview.rateMissing ? null : <p class="muted">{p.noPenalties}</p>}
      <p>
        <a class="button secondary" href={`/templates/letter.pdf?${props.query}`} target="_blank" rel="noopener" data-letter="pdf">
          {p.letterPdf}
        </a>
      </p>
    </div>
  );
}

/** What a person may insert in a template, with what it stands for. */
const BLOCK_NAMES = ['invoices', 'payment'] as const;
const VARIABLES = ['customer.name', 'reference', 'net_due', 'total_due', 'deadline', 'deadline_days', 'invoice_count', 'company.name', 'company.identity', 'portal.link', 'payment.link', 'payment.instructions', 'penalties.total_claimed'] as const;

/**
 * A template by the step that uses it in the company's policy ("Relance 1"), else by what it is for ("Relance 1
 * (France)"); never its id.
 */
export function templateName(id: string, stepNames: ReadonlyMap<string, string>, t: Dict): string {
  return stepNames.get(id) ?? (t as unknown as Record<string, string>)[templateLabelKey(id)] ?? id;
}

async function templatePage(c: UiContext, deps: UiDeps, view: { id: string; parts: Parts; edited: boolean; rendered: RenderedMessage | null; problem: string | null; notice: string | null; onInvoice: OnInvoice }) {
  const t = c.get('t');
  const stepNames = await templateStepNames(deps, tenantOf(c));
  const lang = c.get('lang');
  const p = COMPANY_TEXT[lang];
  const csrf = c.get('session').csrfToken;
  const { id, parts, rendered } = view;
  const { choices, chosen, preview } = view.onInvoice;
  const query = `id=${encodeURIComponent(id)}${chosen ? `&invoice=${encodeURIComponent(chosen)}` : ''}`;
  const choiceLabel = (x: InvoiceChoice) =>
    `${x.customerName} — ${x.number} (${formatAmountFor(x.amountDue, x.currency, lang)}, ${x.daysLate > 0 ? `${x.daysLate} ${p.daysLateShort}` : p.notDueYet})`;
  return visibleTenants(c, deps).then((tenants) =>
    render(
      c,
      <Page c={c} title={t.templates} active="templates" tenants={tenants} subtitle={t.templatesHint}>
        <div class="card">
          <form method="get" action="/templates" class="actions">
            <select name="id" data-autosubmit="1" aria-label={t.template} style="max-width:360px">
              {TEMPLATE_IDS.map((x) => (
                <option value={x} selected={x === id}>
                  {templateName(x, stepNames, t)}
                </option>
              ))}
            </select>
            <noscript>
              <button class="small secondary">OK</button>
            </noscript>
            <span class="muted">{view.edited ? t.customised : t.shipped}</span>
          </form>
          {choices.length ? (
            <form method="get" action="/templates" class="actions" style="margin-top:10px" id="invoice-picker">
              <input type="hidden" name="id" value={id} />
              <label for="tp-invoice" style="margin:0">
                {p.pickInvoice}
              </label>
              <select id="tp-invoice" name="invoice" data-autosubmit="1" style="max-width:100%">
                <option value="">{p.noInvoice}</option>
                {choices.map((x) => (
                  <option value={x.number} selected={x.number === chosen}>
                    {choiceLabel(x)}
                  </option>
                ))}
              </select>
              <noscript>
                <button class="small secondary">{p.show}</button>
              </noscript>
            </form>
          ) : null}
        </div>
        {preview ? <PenaltiesCard preview={preview} lang={lang} query={query} /> : null}
        {view.problem ? <Flash tone="bad">{view.problem}</Flash> : null}
        {view.notice ? <Flash tone="ok">{view.notice}</Flash> : null}
        <div class="two">
          <form class="card" method="post" action={`/templates?${query}`}>
            <h2>{t.template}</h2>
            <Csrf token={csrf} />
            <label for="subject">{t.subject}</label>
            <input id="subject" type="text" name="subject" value={parts.subject} />
            <label for="text">{t.body}</label>
            <p class="hint">{t.templateBodyHint}</p>
            <textarea id="text" name="body" rows={18}>
              {parts.body}
            </textarea>
            <details class="variables" open>
              <summary>{t.templateVariables}</summary>
              <p class="hint">{t.templateVariablesHint}</p>
              <ul class="chips">
                {VARIABLES.map((v) => (
                  <li>
                    <button type="button" class="small secondary" data-insert={`{{ ${v} }}`} title={t[`var_${v.replace('.', '_')}` as keyof Dict]}>
                      {t[`var_${v.replace('.', '_')}` as keyof Dict]}
                    </button>
                  </li>
                ))}
                {BLOCK_NAMES.map((b) => (
                  <li>
                    <button type="button" class="small secondary" data-insert={`\n\n{% ${b} %}\n\n`} data-block={b} title={t[`block_${b}`]}>
                      {t[`block_${b}`]}
                    </button>
                  </li>
                ))}
              </ul>
            </details>
            <div class="actions">
              <button name="op" value="preview" class="secondary">
                {t.previewTemplate}
              </button>
              <button name="op" value="save">{t.saveTemplate}</button>
              {view.edited ? (
                <button name="op" value="reset" class="secondary">
                  {t.resetTemplate}
                </button>
              ) : null}
            </div>
          </form>
          <Card title={t.preview}>
            {rendered ? (
              <>
                <label>{t.subject}</label>
                <p>
                  <strong>{rendered.subject}</strong>
                </p>
                {/* The rendered e-mail in a sandboxed frame: no script, no same-origin access. */}
                <iframe title={t.preview} sandbox="" srcdoc={rendered.html} style="width:100%;height:900px;border:1px solid var(--line);border-radius:8px;background:#fff"></iframe>
                <details>
                  <summary>{t.textVersion}</summary>
                  <pre class="mail-text">{rendered.text}</pre>
                </details>
              </>
            ) : (
              <Empty>{t.noActions}</Empty>
            )}
          </Card>
        </div>
      </Page>,
    ),
  );
}

const templateIdOf = (c: UiContext) => {
  const requested = c.req.query('id');
  return (TEMPLATE_IDS as readonly string[]).includes(requested ?? '') ? requested! : TEMPLATE_IDS[c.get('lang') === 'fr' ? 0 : 6]!;
};

/** The connection the page works on and the invoice picked (by its number), from the query. */
async function picked(c: UiContext, deps: UiDeps) {
  const { chosen } = await pickConnection(c, deps);
  return { connectionId: chosen?.id ?? null, invoice: c.req.query('invoice') || null };
}

/** The template checked on the connection and invoice the query picks. */
async function checked(c: UiContext, deps: UiDeps, id: string, language: Language, parts: Parts) {
  const { connectionId, invoice } = await picked(c, deps);
  return checkTemplate(deps, tenantOf(c), connectionId, invoice, id, language, parts);
}

export function templateRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/templates', async (c) => {
    const id = templateIdOf(c);
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const { parts, edited } = await templateOf(deps, tenantOf(c).id, id, language);
    const { rendered, problem, onInvoice: inv } = await checked(c, deps, id, language, parts);
    return templatePage(c, deps, { id, parts, edited, rendered, problem, notice: null, onInvoice: inv });
  });

  // The letter of the chosen invoice as the executor would print it (same renderer, same profile), for this tenant's invoices only.
  app.get('/templates/letter.pdf', async (c) => {
    const id = templateIdOf(c);
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const { chosen } = await pickConnection(c, deps);
    const number = c.req.query('invoice');
    if (!chosen || !number) return c.notFound();
    const preview = await letterPreview(deps, tenantOf(c), chosen.id, number, id, language);
    if (!preview) return c.notFound();
    return c.body(new Uint8Array(preview.letter.pdf), 200, { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="apercu.pdf"', 'cache-control': 'private, no-store' });
  });

  app.post('/templates', async (c) => {
    const t = c.get('t');
    const tenant = tenantOf(c);
    const id = templateIdOf(c);
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const body = await c.req.parseBody();
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (field('op') === 'reset') {
      const parts = await resetTemplate(deps, tenant.id, id, language);
      const { rendered, problem, onInvoice: inv } = await checked(c, deps, id, language, parts);
      return templatePage(c, deps, { id, parts, edited: false, rendered, problem, notice: t.templateReset, onInvoice: inv });
    }
    // A browser sends a textarea's line ends as CRLF: kept as LF, the way the shipped templates are written.
    const parts = { subject: field('subject'), body: field('body').replace(/\r\n?/g, '\n') };
    const { rendered, problem, onInvoice: inv } = await checked(c, deps, id, language, parts);
    const edited = await isTemplateEdited(deps, tenant.id, id, language);
    if (problem || field('op') !== 'save') return templatePage(c, deps, { id, parts, edited, rendered, problem, notice: null, onInvoice: inv });
    await saveTemplate(deps, tenant.id, id, language, parts, c.get('session').email);
    return templatePage(c, deps, { id, parts, edited: true, rendered, problem: null, notice: t.templateSaved, onInvoice: inv });
  });
}
