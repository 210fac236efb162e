/** @jsxImportSource hono/jsx */
// Templates: the shipped message templates, each previewed on a real planned action of the tenant (rendered, never edited here).
import type { Hono } from 'hono';
import { buildVars, familyOf, renderMessage, shippedTemplate, TEMPLATE_IDS, type MessageVars } from '../../../actions/index.js';
import { previewConnection } from '../../../collections/run.js';
import type { Language } from '../../../actions/format.js';
import { listTenants } from '../../../store/auth.js';
import { listDocuments } from '../../../store/documents.js';
import { nowOf, tenantOf, type UiContext, type UiDeps, type UiEnv } from '../context.js';
import { Flash, Page, render } from '../layout.js';
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

export function templateRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/templates', async (c) => {
    const t = c.get('t');
    const requested = c.req.query('id');
    const id = (TEMPLATE_IDS as readonly string[]).includes(requested ?? '') ? requested! : TEMPLATE_IDS[c.get('lang') === 'fr' ? 0 : 6];
    const language: Language = id.startsWith('fr.') ? 'fr' : 'en';
    const parts = shippedTemplate(id, language);
    let rendered: { subject: string; text: string; html: string } | null = null;
    let problem: string | null = null;
    try {
      const vars = await sampleVars(c, deps, id, language);
      if (vars) rendered = await renderMessage(parts, vars, { trusted: true });
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    return render(
      c,
      <Page c={c} title={t.templates} active="templates" tenants={await listTenants(deps.sql)} subtitle={t.templatesHint}>
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
          </form>
        </div>
        {problem ? <Flash tone="bad">{problem}</Flash> : null}
        <div class="two">
          <div class="card">
            <h2>{t.template}</h2>
            <label>{t.subject}</label>
            <pre class="wrap">{parts.subject}</pre>
            <label>{t.body}</label>
            <pre class="wrap" style="max-height:420px">{parts.text}</pre>
          </div>
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
    );
  });
}
