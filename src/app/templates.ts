// The company's message templates as the templates page works them: the template as the company has it (its own or the
// shipped one), checked and rendered on a real planned action or on an invoice it picks (with its penalties and letter),
// saved or reset; and the names the policy's steps give the templates.
import { buildVars, familyOf, renderMessage, shippedTemplate, validateTemplate, type MessageVars, type RenderedMessage } from '../actions/index.js';
import type { Language } from '../actions/format.js';
import { companyFromProfile, withEmailFooter } from '../actions/letterhead.js';
import { invoiceChoices, previewOnInvoice, type InvoiceChoice, type InvoicePreview } from '../collections/invoice-preview.js';
import { policyFor, previewConnection } from '../collections/run.js';
import { getCompanyProfile } from '../store/company-profiles.js';
import { listDocuments } from '../store/documents.js';
import { deleteTenantTemplate, getTenantTemplate, saveTenantTemplate } from '../store/templates.js';
import type { Tenant } from '../store/tenants.js';
import { nowOf, type AppDeps } from './deps.js';

export type TemplateParts = { subject: string; body: string };

export interface OnInvoice {
  choices: InvoiceChoice[];
  chosen: string | null;
  preview: InvoicePreview | null;
}

export interface CheckedTemplate {
  rendered: RenderedMessage | null;
  /** The problem to show (a part that does not validate or render); null when there is none. */
  problem: string | null;
  onInvoice: OnInvoice;
}

/** The template as the company has it: its own when it saved one (edited), else the shipped one. */
export async function templateOf(deps: AppDeps, tenantId: string, id: string, language: Language): Promise<{ parts: TemplateParts; edited: boolean }> {
  const stored = await getTenantTemplate(deps.sql, tenantId, id, language);
  return { parts: stored ? { subject: stored.subject, body: stored.body } : shippedTemplate(id, language), edited: !!stored };
}

/** Whether the company has its own version of a template. */
export const isTemplateEdited = async (deps: AppDeps, tenantId: string, id: string, language: Language): Promise<boolean> => !!(await getTenantTemplate(deps.sql, tenantId, id, language));

export const saveTemplate = (deps: AppDeps, tenantId: string, id: string, language: Language, parts: TemplateParts, by: string): Promise<void> => saveTenantTemplate(deps.sql, tenantId, id, language, parts, by);

/** Drops the company's own version: the shipped template, which applies again. */
export async function resetTemplate(deps: AppDeps, tenantId: string, id: string, language: Language): Promise<TemplateParts> {
  await deleteTenantTemplate(deps.sql, tenantId, id, language);
  return shippedTemplate(id, language);
}

/** The policy's step names by template ("Relance 1"), the first step that uses each. */
export async function templateStepNames(deps: AppDeps, tenant: Tenant): Promise<Map<string, string>> {
  const policy = await policyFor(deps.sql, tenant);
  const stepNames = new Map<string, string>();
  for (const st of policy.steps) if (!stepNames.has(st.templateId)) stepNames.set(st.templateId, st.name || st.id);
  return stepNames;
}

/** Vars for a preview: the first action the policy would plan for this connection, with the tenant as the sender. */
async function sampleVars(deps: AppDeps, tenant: Tenant, connectionId: string | null, templateId: string, language: Language): Promise<MessageVars | null> {
  if (!connectionId) return null;
  const now = nowOf(deps);
  const preview = await previewConnection(deps.sql, tenant.id, connectionId, 30, now, deps.addedRates);
  const actions = preview.days.flatMap((d) => d.actions).filter((a) => a.channel !== 'alert');
  // An action of this very template when one is planned; otherwise any real one, to fill the template with real data.
  const action = actions.find((a) => a.templateId === templateId) ?? actions[0];
  if (!action) return null;
  const ids = action.invoices.map((i) => i.instalmentOf ?? i.externalId);
  const [customers, invoices] = await Promise.all([
    listDocuments(deps.sql, tenant.id, 'customer', { connectionId, externalIds: [action.customerExternalId] }),
    listDocuments(deps.sql, tenant.id, 'invoice', { connectionId, externalIds: ids }),
  ]);
  const customer = customers[0]?.record;
  if (!customer) return null;
  return buildVars({
    action,
    current: new Map(invoices.map((d) => [d.record.externalId, d.record])),
    customer,
    company: companyFromProfile(await getCompanyProfile(deps.sql, tenant.id), tenant.name),
    language,
    family: familyOf(action.templateId),
    today: preview.today,
    deadlineDays: 8,
    penalties: null,
  });
}

/** Validates every part (no file tags, size limit) and renders it on the sample; a string is the problem to show. */
async function check(parts: TemplateParts, vars: MessageVars | null): Promise<{ rendered: RenderedMessage | null; problem: string | null }> {
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

/** The open invoices to pick from and, when one is picked (by its number), the template on it with its penalties. */
export async function onInvoice(deps: AppDeps, tenant: Tenant, connectionId: string | null, invoice: string | null, id: string, language: Language, parts?: TemplateParts): Promise<OnInvoice> {
  if (!connectionId) return { choices: [], chosen: null, preview: null };
  const choices = await invoiceChoices(deps.sql, tenant, connectionId, nowOf(deps));
  const chosen = invoice && choices.some((x) => x.number === invoice) ? invoice : null;
  const preview = chosen ? await previewOnInvoice(deps.sql, tenant, connectionId, chosen, id, language, nowOf(deps), { ...(parts ? { parts } : {}), ...(deps.addedRates ? { added: deps.addedRates } : {}) }) : null;
  return { choices, chosen, preview };
}

/**
 * A template checked and rendered: on the invoice picked when there is one (real penalties, and the footer it leaves
 * with), else on the first planned action of the connection.
 */
export async function checkTemplate(deps: AppDeps, tenant: Tenant, connectionId: string | null, invoice: string | null, id: string, language: Language, parts: TemplateParts): Promise<CheckedTemplate> {
  const sample = await check(parts, await sampleVars(deps, tenant, connectionId, id, language).catch(() => null));
  if (sample.problem) return { ...sample, onInvoice: { choices: (await onInvoice(deps, tenant, connectionId, invoice, id, language).catch(() => null))?.choices ?? [], chosen: null, preview: null } };
  const inv = await onInvoice(deps, tenant, connectionId, invoice, id, language, parts);
  if (inv.preview) return { rendered: inv.preview.email, problem: null, onInvoice: inv };
  const company = companyFromProfile(await getCompanyProfile(deps.sql, tenant.id), tenant.name);
  return { rendered: sample.rendered ? withEmailFooter(sample.rendered, company, language) : null, problem: null, onInvoice: inv };
}

/** The letter of an invoice (by its number) as the executor would print it; null when the tenant has no such invoice. */
export const letterPreview = (deps: AppDeps, tenant: Tenant, connectionId: string, invoice: string, id: string, language: Language): Promise<InvoicePreview | null> =>
  previewOnInvoice(deps.sql, tenant, connectionId, invoice, id, language, nowOf(deps), deps.addedRates ? { added: deps.addedRates } : {});
