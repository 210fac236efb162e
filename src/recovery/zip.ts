// The recovery file as a ZIP (#25.4): the same documents as the PDF, separately, for a court's upload form or an
// agency — the file (PDF), the claim (JSON, CSV), every letter already sent to the customer about these invoices (the
// mise en demeure with its registered-post number among them), the reminder history (date, channel, reference) and
// the invoices themselves (the books' PDF, or a copy from the recorded data marked as such).
// fflate (already in the tree through pdfkit; small, no native code, well kept) writes the archive: zipping is a
// solved problem, not ours to hand-write.
import { zipSync, strToU8 } from 'fflate';
import type { Sql } from '../store/db.js';
import { sentReminders } from '../store/outbox.js';
import { csvCell } from './export.js';
import { renderInvoiceCopy } from './invoice-documents.js';
import type { CustomerRecovery } from './service.js';

export async function recoveryZip(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, r: CustomerRecovery): Promise<Uint8Array> {
  const reminders = await sentReminders(sql, tenantId, connectionId, customerExternalId, r.invoiceExternalIds);
  const letters = reminders.length
    ? await sql<{ action_key: string; template_id: string; tracking_number: string | null; pdf: Buffer; created_at: Date }[]>`
        select action_key, template_id, tracking_number, pdf, created_at from letters
        where tenant_id = ${tenantId} and action_key = any(${reminders.map((x) => x.key)}::text[]) order by created_at, id`
    : [];
  const files: Record<string, Uint8Array> = {
    '01-dossier.pdf': new Uint8Array(r.file.pdf),
    '02-decompte.json': strToU8(`${JSON.stringify(r.json, null, 2)}\n`),
    '03-decompte.csv': strToU8(r.csv),
  };
  letters.forEach((l, n) => {
    files[`04-courriers/${String(n + 1).padStart(2, '0')}-${l.created_at.toISOString().slice(0, 10)}-${l.template_id.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`] = new Uint8Array(l.pdf);
  });
  const tracking = new Map(letters.map((l) => [l.action_key, l.tracking_number]));
  const history = [
    'sent_at,channel,template,registered,tracking_number,invoices,reference',
    ...reminders.map((x) => [x.sentAt.toISOString(), x.kind, x.templateId ?? '', x.registered ? 'yes' : 'no', tracking.get(x.key) ?? '', x.invoiceExternalIds.join(' '), x.key].map(csvCell).join(',')),
  ].join('\r\n');
  files['05-historique-relances.csv'] = strToU8(`${history}\r\n`);
  // The invoices, in the file's order: the books' own PDF, else a copy from the recorded data that says it is one.
  const lang = r.statement.jurisdiction === 'FR' ? 'fr' : 'en';
  const byNumber = new Map(r.invoices.map((i) => [i.number ?? i.externalId, i]));
  let n = 0;
  for (const line of r.statement.lines) {
    const inv = byNumber.get(line.number);
    if (!inv) continue;
    const base = `06-factures/${String(++n).padStart(2, '0')}-${line.number.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const original = r.originals.get(inv.externalId);
    if (original) files[`${base}.pdf`] = original;
    else files[`${base}-${lang === 'fr' ? 'copie' : 'copy'}.pdf`] = await renderInvoiceCopy(inv, r.customerName, r.json.creditor.name, lang, r.json.date);
  }
  // A fixed date inside the archive: the same file gives the same bytes.
  return zipSync(files, { level: 6, mtime: new Date(`${r.json.date}T00:00:00Z`) });
}
