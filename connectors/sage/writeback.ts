// Sage write-back: a private PDF attachment on the invoice per status change, and one line per invoice in a delimited block of the contact's notes that keeps the user's own text.
import { createHash } from 'node:crypto';
import { notePdf } from '../../src/connectors/note-pdf.js';
import type { CollectionsStatus, ConnectorWriteback, ProviderHttp } from '../../src/connectors/types.js';

type Row = Record<string, unknown>;

export const markerOf = (key: string) => `#${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** Our block in the contact's notes; everything outside it is the user's and is kept as it is. */
export const BLOCK_START = '--- Relance (collections) ---';
export const BLOCK_END = '--- end of Relance ---';
/** Lines kept in the block (the most recent invoices): contact notes are a summary, the attachments are the trail. */
export const BLOCK_LINES = 30;
/**
 * The sales-invoice attachment context. Sage lists the valid ids at GET /attachment_context_types; SALES_INVOICE is the
 * id our reference expects there (UNCONFIRMED against a live business).
 */
export const INVOICE_CONTEXT = 'SALES_INVOICE';

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The status as one line, keyed by the invoice's number: the line for that invoice is replaced, never added twice. */
export function statusLine(label: string, status: CollectionsStatus): string {
  return `${label}: ${status.date} ${status.step} (${status.channel}) ${oneLine(status.summary)}${status.promisedPaymentDate ? ` · promise ${status.promisedPaymentDate}` : ''} ${markerOf(status.key)}`;
}

/** The notes with our block holding `line` for `label` (in place of that invoice's earlier line); the user's text untouched. */
export function withStatusLine(notes: string | null, label: string, line: string): string {
  const text = notes ?? '';
  const start = text.indexOf(BLOCK_START);
  const end = start >= 0 ? text.indexOf(BLOCK_END, start) : -1;
  const own = start >= 0 && end > start ? text.slice(start + BLOCK_START.length, end).split('\n').map((l) => l.trim()).filter(Boolean) : [];
  const lines = [...own.filter((l) => !l.startsWith(`${label}: `)), line].slice(-BLOCK_LINES);
  const block = [BLOCK_START, ...lines, BLOCK_END].join('\n');
  if (start >= 0 && end > start) return `${text.slice(0, start)}${block}${text.slice(end + BLOCK_END.length)}`;
  return text.trim() ? `${text.replace(/\s+$/, '')}\n\n${block}` : block;
}

async function attachmentsOf(http: ProviderHttp, invoiceId: string): Promise<Row[]> {
  const out: Row[] = [];
  let { data } = await http.get<{ $items?: Row[]; $next?: string | null }>('/attachments', { params: { attachment_context_type_id: INVOICE_CONTEXT, attachment_context_id: invoiceId, attributes: 'file_name,description', items_per_page: 200 } });
  out.push(...(data.$items ?? []));
  while (data.$next) {
    ({ data } = await http.get<{ $items?: Row[]; $next?: string | null }>(data.$next));
    out.push(...(data.$items ?? []));
  }
  return out;
}

const notesOf = async (http: ProviderHttp, contactId: string) => {
  const { data } = await http.get<Row>(`/contacts/${encodeURIComponent(contactId)}`);
  return typeof data['notes'] === 'string' ? data['notes'] : null;
};

/**
 * Read-modify-write of the contact's notes. Sage keeps no version on contacts (none in the v3.1 description): the last
 * write wins. So the notes are read again just before the PUT and the block merged into what is there then, and read
 * once more after it: if someone else's write landed over ours, ours is merged in again (at most three rounds).
 */
async function writeNotes(http: ProviderHttp, contactId: string, label: string, line: string): Promise<boolean> {
  const first = await notesOf(http, contactId);
  if ((first ?? '').includes(line)) return false;
  for (let round = 0; round < 3; round++) {
    const current = await notesOf(http, contactId);
    await http.put(`/contacts/${encodeURIComponent(contactId)}`, { contact: { notes: withStatusLine(current, label, line) } });
    if ((await notesOf(http, contactId) ?? '').includes(line)) return true;
  }
  return true;
}

export const writeback: ConnectorWriteback = {
  async writeStatus(ctx, invoiceId, status) {
    const http = ctx.http;
    const marker = markerOf(status.key);
    // The invoice's number and contact; mark_as_sent=false, or reading it would mark it as sent (SDK: "Defaulted to 'true'").
    const { data: invoice } = await http.get<Row>(`/sales_invoices/${encodeURIComponent(invoiceId)}`, { params: { mark_as_sent: 'false' } });
    const label = String(invoice['invoice_number'] || invoice['displayed_as'] || invoiceId);
    const contactId = String((invoice['contact'] as Row | undefined)?.['id'] ?? '');
    // Attachments are not among the resources Sage's idempotency_id covers (guides/concepts/idempotency): look before
    // writing, and POST once (no retry after a network error or a 5xx, where it may have landed).
    const present = (await attachmentsOf(http, invoiceId)).some((a) => String(a['file_name'] ?? '').includes(marker.slice(1)) || String(a['description'] ?? '').includes(marker));
    if (!present) {
      const lines = [`Date: ${status.date}`, `Step: ${status.step}`, `Channel: ${status.channel}`, `Summary: ${oneLine(status.summary)}`, ...(status.promisedPaymentDate ? [`Promised payment: ${status.promisedPaymentDate}`] : []), `Reference: ${marker}`];
      // A one-page PDF: Sage's attachment guide names PDF, JPG and PNG files; a text file is not among them.
      const pdf = await notePdf(`Relance — collections status of ${label}`, lines);
      await http.post(
        '/attachments',
        {
          attachment: {
            file: Buffer.from(pdf).toString('base64'),
            file_name: `relance-${label.replace(/[^A-Za-z0-9-]/g, '')}-${status.date}-${marker.slice(1)}.pdf`,
            mime_type: 'application/pdf',
            file_extension: '.pdf',
            description: `Relance: ${status.step} (${status.channel}) ${status.date} ${marker}`.slice(0, 200),
            attachment_context_type_id: INVOICE_CONTEXT,
            attachment_context_id: invoiceId,
            // Private: not shown to the customer.
            is_public: false,
          },
        },
        { once: true },
      );
    }
    const notesWritten = contactId ? await writeNotes(http, contactId, label, statusLine(label, status)) : false;
    return { proof: `attachment ${marker}`, alreadyPresent: present && !notesWritten };
  },
};
