// Xero write-back: one History note per status change (≤ 250 characters, never edited), plus ExpectedPaymentDate for a promise to pay.
import { createHash } from 'node:crypto';
import { ProviderRejected } from '../../src/connectors/errors.js';
import type { CollectionsStatus, ConnectorWriteback } from '../../src/connectors/types.js';

/** Xero's limit on a history note. */
export const NOTE_MAX = 250;

export const markerOf = (key: string) => `#${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** The note: marker last so a long summary is cut, never the marker that makes retries recognisable. */
export function noteFor(status: CollectionsStatus): string {
  const head = `Relance ${status.date} ${status.step} (${status.channel}): `;
  const tail = `${status.promisedPaymentDate ? ` · promise ${status.promisedPaymentDate}` : ''} ${markerOf(status.key)}`;
  const room = NOTE_MAX - head.length - tail.length;
  const summary = status.summary.length > room ? `${status.summary.slice(0, Math.max(0, room - 1))}…` : status.summary;
  return `${head}${summary}${tail}`;
}

interface History {
  HistoryRecords?: { Details?: string }[];
}

export const writeback: ConnectorWriteback = {
  async writeStatus(ctx, invoiceId, status) {
    const path = `/Invoices/${encodeURIComponent(invoiceId)}/History`;
    // Notes cannot be edited or deleted: look before writing so a retry after a crash never adds a second one.
    const { data } = await ctx.http.get<History>(path);
    const marker = markerOf(status.key);
    if ((data.HistoryRecords ?? []).some((h) => (h.Details ?? '').includes(marker))) return { proof: `history ${marker}`, alreadyPresent: true };
    await ctx.http.put(path, { HistoryRecords: [{ Details: noteFor(status) }] }, { headers: { 'Idempotency-Key': `relance-${marker.slice(1)}` } });
    if (status.promisedPaymentDate) {
      try {
        await ctx.http.post(`/Invoices/${encodeURIComponent(invoiceId)}`, { Invoices: [{ InvoiceID: invoiceId, ExpectedPaymentDate: status.promisedPaymentDate }] });
      } catch (err) {
        // Invoices with a payment or credit allocated are locked for edits; the history note already says it.
        if (!(err instanceof ProviderRejected)) throw err;
      }
    }
    return { proof: `history ${marker}`, alreadyPresent: false };
  },
};
