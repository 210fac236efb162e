// The invoices a recovery file encloses (#25 point 2, "Documents"): each one's PDF as the books render it, read through
// the connector and kept with the invoice version it was read at (migration 026), so the same file does not read it
// twice and an edited invoice is read afresh. When the books give none, a copy is rendered from the recorded data and
// says so on its face: it is never passed off as the original, and the file's missing list still names the invoice.
import { createHash } from 'node:crypto';
import type { Invoice } from '../model/index.js';
import type { Sql } from '../store/db.js';
import { loadInvoiceDocuments, saveInvoiceDocument } from '../store/invoice-documents.js';
import { day, money, openLegalPdf, type FileLanguage } from './pdf-layout.js';

/** Reads one invoice's PDF from the books; null when they have none for it. */
export type InvoicePdfSource = (invoiceExternalId: string) => Promise<Uint8Array | null>;

/** A stored PDF read without a version to compare is read again after this long. */
export const UNVERSIONED_TTL_MS = 24 * 3600_000;

export interface InvoiceDocuments {
  /** The books' own PDF, by invoice id in the books. */
  originals: Map<string, Uint8Array>;
  /** Invoices the books could not be asked about just now (unreachable, throttled): their stored PDF, if any, is used. */
  unreachable: string[];
}

/**
 * The originals of `invoices`: the stored ones still current, then the books for the rest, one at a time (a file
 * names a handful; the connector's rate gate paces them), each saved as soon as it is read. Without a source
 * (a command run with no provider), only what is stored.
 */
export async function invoiceDocuments(sql: Sql, tenantId: string, connectionId: string, invoices: readonly Pick<Invoice, 'externalId' | 'externalVersion'>[], source: InvoicePdfSource | undefined, now: Date): Promise<InvoiceDocuments> {
  const stored = await loadInvoiceDocuments(sql, tenantId, connectionId, invoices.map((i) => i.externalId));
  const originals = new Map<string, Uint8Array>();
  const unreachable: string[] = [];
  for (const inv of invoices) {
    const have = stored.get(inv.externalId);
    const version = inv.externalVersion ?? null;
    const current = have && (version !== null ? have.externalVersion === version : now.getTime() - have.fetchedAt.getTime() < UNVERSIONED_TTL_MS);
    if (have && (current || !source)) {
      originals.set(inv.externalId, have.pdf);
      continue;
    }
    if (!source) continue;
    let pdf: Uint8Array | null;
    try {
      pdf = await source(inv.externalId);
    } catch {
      // The books are down or throttled: an older copy is better than none; the caller says which could not be read.
      unreachable.push(inv.externalId);
      if (have) originals.set(inv.externalId, have.pdf);
      continue;
    }
    if (!pdf) continue;
    await saveInvoiceDocument(sql, tenantId, connectionId, { invoiceExternalId: inv.externalId, externalVersion: version, pdf, sha256: createHash('sha256').update(pdf).digest('hex'), fetchedAt: now });
    originals.set(inv.externalId, pdf);
  }
  return { originals, unreachable };
}

const COPY = {
  fr: {
    title: 'Copie établie à partir des écritures comptables',
    notice: "Ce document n'est pas l'original de la facture : les livres comptables n'en fournissent pas le PDF. Il reprend les données enregistrées.",
    invoice: 'Facture', customer: 'Client', issued: "Date d'émission", due: "Date d'échéance", total: 'Montant TTC', dueNow: 'Reste dû', lines: 'Lignes', page: 'Page',
  },
  en: {
    title: 'Copy drawn up from the accounting records',
    notice: 'This is not the original invoice: the books do not provide its PDF. It restates the recorded data.',
    invoice: 'Invoice', customer: 'Customer', issued: 'Issue date', due: 'Due date', total: 'Amount (incl. tax)', dueNow: 'Balance due', lines: 'Lines', page: 'Page',
  },
} as const;

/** A copy of one invoice from the recorded data, headed as such. Deterministic (dated the file's date). */
export async function renderInvoiceCopy(inv: Pick<Invoice, 'number' | 'externalId' | 'issueDate' | 'dueDate' | 'total' | 'amountDue' | 'currency' | 'lines'>, customerName: string, creditorName: string, lang: FileLanguage, date: string): Promise<Uint8Array> {
  const t = COPY[lang];
  const number = inv.number ?? inv.externalId;
  const pdf = openLegalPdf({ date, title: `${t.invoice} ${number} — ${t.title}`, author: creditorName });
  pdf.p(creditorName, { bold: true, size: 12 });
  pdf.p(`${t.invoice} ${number}`, { bold: true, size: 14 });
  pdf.p(t.title, { bold: true });
  pdf.p(t.notice);
  pdf.table(
    [{ title: '', share: 2 }, { title: '', share: 3 }],
    [[t.customer, customerName], [t.issued, day(inv.issueDate)], [t.due, day(inv.dueDate)], [t.total, money(inv.total, inv.currency, lang)], [t.dueNow, money(inv.amountDue, inv.currency, lang)]],
    { size: 10 },
  );
  if (inv.lines.length) {
    pdf.p(t.lines, { bold: true });
    pdf.table([{ title: '', share: 4 }, { title: '', share: 1, right: true }], inv.lines.map((l) => [l.description ?? '', money(l.amount, inv.currency, lang)]), { size: 9 });
  }
  const { pdf: bytes } = await pdf.finish(t.page);
  return new Uint8Array(bytes);
}
