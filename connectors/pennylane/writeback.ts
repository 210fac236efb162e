// Pennylane write-back: the collections step as a category of our own analytic group (read, merge, write: the company's own categories stay) and one appendix per status as the audit trail.
import { createHash } from 'node:crypto';
import { ProviderRejected, StaleVersion } from '../../src/connectors/errors.js';
import { notePdf } from '../../src/connectors/note-pdf.js';
import type { CollectionsStatus, ConnectorWriteback, ProviderHttp } from '../../src/connectors/types.js';
import { PAGE_SIZE, PROVIDER } from './client.js';

/**
 * Never called, by design: `PUT …/mark_as_paid` changes the payment state (the accountant's call), and
 * `POST …/send_by_email` blocks the invoice's e-invoicing transmission (reference A3.6; the simulator counts both).
 */
export const NEVER_CALLED = ['mark_as_paid', 'send_by_email'] as const;

/** Our analytic category group, created at install (or at the first write when the install could not). */
export const GROUP_LABEL = 'Relance';
/** One category of our group per collections step; an invoice is under the step it has reached. */
export const categoryLabel = (step: string) => `Relance · ${step}`;
/** Reads of the categories that found them changed under us before we give the write up for a later retry. */
export const MERGE_ATTEMPTS = 3;

/** Short stable marker of the action, in the appendix name: a retry after a crash finds its own earlier write. */
export const markerOf = (key: string) => `#${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

interface Page<T> {
  items?: T[];
  has_more?: boolean;
  next_cursor?: string | null;
}
interface Category {
  id: number;
  label: string;
  weight?: string;
  category_group?: { id: number };
}
interface Named {
  id: number;
  label?: string;
  filename?: string;
}
type Ctx = Parameters<ConnectorWriteback['writeStatus']>[0];

async function all<T>(http: ProviderHttp, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const params: Record<string, string | number> = cursor ? { limit: PAGE_SIZE, cursor } : { limit: PAGE_SIZE };
    const { data }: { data: Page<T> } = await http.get<Page<T>>(path, { params });
    out.push(...(data.items ?? []));
    cursor = data.has_more ? (data.next_cursor ?? null) : null;
  } while (cursor);
  return out;
}

/** Our group's id: found by its label, else created. Two installs racing may create two; the first listed is used. */
async function ensureGroup(http: ProviderHttp): Promise<number> {
  const found = (await all<Named>(http, '/category_groups')).filter((g) => g.label === GROUP_LABEL).sort((a, b) => a.id - b.id)[0];
  if (found) return found.id;
  const { data } = await http.post<Named>('/category_groups', { label: GROUP_LABEL }, { once: true });
  return data.id;
}

async function ensureCategory(http: ProviderHttp, groupId: number, step: string): Promise<number> {
  const label = categoryLabel(step);
  const found = (await all<Named>(http, `/category_groups/${groupId}/categories`)).find((c) => c.label === label);
  if (found) return found.id;
  const { data } = await http.post<Named>('/categories', { label, category_group_id: groupId, analytical_code: `REL-${step}`.slice(0, 40) }, { once: true });
  return data.id;
}

const setOf = (cats: readonly { id: number; weight?: string }[]) => cats.map((c) => `${c.id}:${c.weight ?? '1'}`).sort().join(',');

/** The company's categories in every other group, as they are, and ours for this step (weight 1: alone in our group). */
export function mergeCategories(current: readonly Category[], groupId: number, categoryId: number): { id: number; weight: string }[] {
  const theirs = current.filter((c) => c.category_group?.id !== groupId).map((c) => ({ id: c.id, weight: c.weight ?? '1' }));
  return [...theirs, { id: categoryId, weight: '1' }];
}

/** The audit note attached to the invoice: what was sent, when, through which channel (its first line is its title). */
export function auditNote(status: CollectionsStatus): { filename: string; text: string } {
  const marker = markerOf(status.key);
  const text = [
    `Relance — ${status.date} — ${status.step} (${status.channel})`,
    status.summary,
    ...(status.promisedPaymentDate ? [`Promesse de paiement : ${status.promisedPaymentDate}`] : []),
    `Réf. ${marker}`,
    '',
  ].join('\n');
  return { filename: `relance-${status.date}-${status.step.replace(/[^\w-]+/g, '_')}-${marker.slice(1)}.pdf`, text };
}

async function readInvoice(http: ProviderHttp, id: string): Promise<{ draft?: boolean; invoice_number?: string | null }> {
  return (await http.get<{ draft?: boolean; invoice_number?: string | null }>(`/customer_invoices/${encodeURIComponent(id)}`)).data;
}

/**
 * Read, merge, write. Pennylane's `PUT …/categories` replaces the invoice's whole set and takes no version, so the
 * categories are read again just before the write: an edit made since our read is seen, merged in, and the write
 * waits for a read that stays still (at most MERGE_ATTEMPTS). What remains is the one round trip between that read
 * and the write, which the API gives no way to close. Returns whether anything was written.
 */
async function fileUnderStep(http: ProviderHttp, invoiceId: string, groupId: number, categoryId: number): Promise<boolean> {
  const path = `/customer_invoices/${encodeURIComponent(invoiceId)}/categories`;
  for (let attempt = 1; attempt <= MERGE_ATTEMPTS; attempt++) {
    const read = await all<Category>(http, path);
    const merged = mergeCategories(read, groupId, categoryId);
    if (setOf(merged) === setOf(read)) return false;
    const again = await all<Category>(http, path);
    if (setOf(again) !== setOf(read)) continue;
    await http.put(path, merged);
    return true;
  }
  throw new StaleVersion(PROVIDER, invoiceId);
}

export const writeback: ConnectorWriteback = {
  async install(ctx: Ctx) {
    await ensureGroup(ctx.http);
  },

  async writeStatus(ctx, invoiceId, status) {
    const invoice = await readInvoice(ctx.http, invoiceId);
    // Drafts reject categories, and a draft is no receivable: nothing is written. A draft has no number yet (Pennylane
    // sends an empty one): it is named by its id.
    if (invoice.draft) throw new ProviderRejected(PROVIDER, 422, `invoice ${invoice.invoice_number || invoiceId} is a draft in Pennylane: nothing written back`);
    const marker = markerOf(status.key);
    const appendicesPath = `/customer_invoices/${encodeURIComponent(invoiceId)}/appendices`;
    const audited = (await all<Named>(ctx.http, appendicesPath)).some((a) => (a.filename ?? '').includes(marker.slice(1)));
    if (!audited) {
      const note = auditNote(status);
      // Appendices take images and PDF only (postCustomerInvoiceAppendices): the note goes as a one-page PDF.
      const [title = '', ...lines] = note.text.trimEnd().split('\n');
      const form = new FormData();
      form.append('file', new Blob([await notePdf(title, lines)], { type: 'application/pdf' }), note.filename);
      // No idempotency key on uploads: never retried blind (a retry of the whole write finds it by its marker).
      await ctx.http.post(appendicesPath, form, { once: true, headers: { 'Content-Type': 'multipart/form-data' } });
    }
    const groupId = await ensureGroup(ctx.http);
    const categoryId = await ensureCategory(ctx.http, groupId, status.step);
    const categorised = await fileUnderStep(ctx.http, invoiceId, groupId, categoryId);
    return { proof: `appendix ${marker}`, alreadyPresent: audited && !categorised };
  },
};
