/** @jsxImportSource hono/jsx */
// Templates: edit a message template for the company (validated Liquid), previewed on a real planned action of the tenant.
import type { Hono } from 'hono';
import { buildVars, familyOf, renderMessage, shippedTemplate, TEMPLATE_IDS, validateTemplate, type MessageVars, type RenderedMessage } from '../../../actions/index.js';
import { deleteTenantTemplate, getTenantTemplate, saveTenantTemplate } from '../../../store/templates.js';
import { previewConnection } from '../../../collections/run.js';
import type { Language } from '../../../actions/format.js';
import { listTenants } from '../../../store/auth.js';
import { listDocuments } from '../../../store/documents.js';
import { nowOf, tenantOf, visibleTenants, type UiContext, type UiDeps, type UiEnv } from '../context.js';
import { Csrf, Flash, Page, render } from '../layout.js';
import { pickConnection } from './pick.js';

/** Vars for a preview: the first action the policy would plan for this connection, with the tenant as the sender. */
async function sampleVars(c: UiContext, deps: UiDeps, templateId: string, language: Language): Promise<MessageVars | null> {
  const tenant = tenantOf(c);
  const { chosen } = await pickConnection(c, deps);
  if (!chosen) return null;
  const now = nowOf(deps);
  const preview = await previewConnection(deps.sql, tenant.id, chosen.id, 30, now);
  const actions = preview.days.flatMap((d) => d.actions).filter((a) => a.channel !== 'alert');
  // An action of this very template when one is planned; otherwise any real one, to fill the template with real data.
  const action = actions.find((a) => a.templateId === templateId) ?? actions[0];
  if (!action) return null;
  const ids = action.invoices.map((i) => i.instalmentOf ?? i.externalId);
  const [customers, invoices] = await Promise.all([
    listDocuments(deps.sql, tenant.id, 'customer', { connectionId: chosen.id, externalIds: [action.customerExternalId] }),
    listDocuments(deps.sql, tenant.id, 'invoice', { connectionId: chosen.id, externalIds: ids }),
  ]);
  const customer = customers[0]?.record;
  if (!customer) return null;
  return buildVars({
    action,
    current: new Map(invoices.map((d) => [d.record.externalId, d.record])),
    customer,
    company: { name: tenant.name },
    language,
    family: familyOf(action.templateId),
    today: preview.today,
    deadlineDays: 8,
    penalties: null,
  });
}

type Parts = { subject: string; text: string; html: string };

/** Validates every part (no file tags, size limit) and renders it on the sample; a string is the problem to show. */
async function check(parts: Parts, vars: MessageVars | null): Promise<{ rendered: RenderedMessage | null; problem: string | null }> {
  for (const [name, source] of Object.entries(parts)) {
    const v = validateTemplate(source);
    if (!v.ok) return { rendered: null, problem: `${name}: ${v.message}` };
  }
  if (!vars) return { rendered: null, problem: null };
  try {
    return { rendered: await renderMessage(parts, vars), problem: null };
  } catch (err) {
    return { rendered: null, problem: err instanceof Error ? err.message : String(err) };
  }
}

function templatePage(c: UiContext, deps: UiDeps, view: { id: string; parts: Parts; edited: boolean; rendered: RenderedMessage | null; problem: string | null; notice: string | null }) {
  const t = c.get('t');
  const csrf = c.get('session').csrfToken;
  const { id, parts, rendered } = view;
  return visibleTenants(c, deps).then((tenants) =>
    render(
      c,
      <Page c={c} title={t.templates} active="templates" tenants={tenants} subtitle={t.templatesHint}>
        <div class="card">
          <form method="get" action="/templates" class="actions">
            <select name="id" data-autosubmit="1" aria-label={t.template} style="max-width:360px">
              {TEMPLATE_IDS.map((x) => (
                <option value={x} selected={x === id}>
                  {x}
                </option>
              ))}
            </select>
            <noscript>
              <button class="small secondary">OK</button>
            </noscript>
            <span class="muted">{view.edited ? t.customised : t.shipped}</span>
          </form>
        </div>
        {view.problem ? <Flash tone="bad">{view.problem}</Flash> : null}
        {view.notice ? <Flash tone="ok">{view.notice}</Flash> : null}
        <div class="two">
          <form class="card" method="post" action={`/templates?id=${encodeURIComponent(id)}`}>
            <h2>{t.template}</h2>
            <Csrf token={csrf} />
            <label for="subject">{t.subject}</label>
            <input id="subject" name="subject" value={parts.subject} style="width:100%" />
            <label for="text">{t.body}</label>
            <textarea id="text" name="text" rows={14}>
              {parts.text}
            </textarea>
            <label for="html">{t.htmlBody}</label>
            <textarea id="html" name="html" rows={10}>
              {parts.html}
            </textarea>
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
          <div class="card">
            <h2>{t.preview}</h2>
            {rendered ? (
              <>
                <label>{t.subject}</label>
                <p>
                  <strong>{rendered.subject}</strong>
                </p>
                {/* The rendered e-mail in a sandboxed frame: no script, no same-origin access. */}
                <iframe title={t.preview} sandbox="" srcdoc={rendered.html} style="width:100%;height:420px;border:1px solid var(--line);border-radius:8px;background:#fff"></iframe>
              </>
            ) : (
              <p class="muted">{t.noActions}</p>
            )}
          </div>
        </div>
      </Page>,
    ),
  );
}

const templateIdOf = (c: UiContext) => {
  const requested = c.req.query('id');
  return (TEMPLATE_IDS as readonly string[]).includes(requested ?? '') ? requested! : TEMPLATE_IDS[c.get('lang') === 'fr' ? 0 : 6]!;
};

export function templateRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/templates', async (c) => {
    const id = templateIdOf(c);
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const stored = await getTenantTemplate(deps.sql, tenantOf(c).id, id, language);
    const parts = stored ?? shippedTemplate(id, language);
    const { rendered, problem } = await check(parts, await sampleVars(c, deps, id, language).catch(() => null));
    return templatePage(c, deps, { id, parts, edited: !!stored, rendered, problem, notice: null });
  });

  app.post('/templates', async (c) => {
    const t = c.get('t');
    const tenant = tenantOf(c);
    const id = templateIdOf(c);
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const body = await c.req.parseBody();
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (field('op') === 'reset') {
      await deleteTenantTemplate(deps.sql, tenant.id, id, language);
      const parts = shippedTemplate(id, language);
      const { rendered, problem } = await check(parts, await sampleVars(c, deps, id, language).catch(() => null));
      return templatePage(c, deps, { id, parts, edited: false, rendered, problem, notice: t.templateReset });
    }
    const parts = { subject: field('subject'), text: field('text'), html: field('html') };
    const { rendered, problem } = await check(parts, await sampleVars(c, deps, id, language).catch(() => null));
    const edited = !!(await getTenantTemplate(deps.sql, tenant.id, id, language));
    if (problem || field('op') !== 'save') return templatePage(c, deps, { id, parts, edited, rendered, problem, notice: null });
    await saveTenantTemplate(deps.sql, tenant.id, id, language, parts, c.get('session').email);
    return templatePage(c, deps, { id, parts, edited: true, rendered, problem: null, notice: t.templateSaved });
  });
}
