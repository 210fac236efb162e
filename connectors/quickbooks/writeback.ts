// QuickBooks write-back: the collections status as a tagged block in the invoice's PrivateNote, by sparse update with SyncToken.
import { createHash } from 'node:crypto';
import { StaleVersion } from '../../src/connectors/errors.js';
import type { CollectionsStatus, ConnectorWriteback, ProviderHttp } from '../../src/connectors/types.js';
import { MINOR_VERSION, assertNoFault, companyPath } from './client.js';

/** Intuit's PrivateNote limit. */
export const PRIVATE_NOTE_MAX = 4000;
/** Attempts when the user edits the invoice at the same moment (Fault 5010). */
export const STALE_RETRIES = 3;

const BLOCK = /\[relance\][\s\S]*?\[\/relance\]/;

/** Short stable marker of the action, so a retried write recognises its own earlier success. */
export const markerOf = (key: string) => `#${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** The user's note with our block replaced (or appended): their own text is never touched. */
export function withStatusBlock(note: string | null | undefined, status: CollectionsStatus): string {
  const block = `[relance] ${status.date} ${status.step} (${status.channel}): ${status.summary}${status.promisedPaymentDate ? ` · promise ${status.promisedPaymentDate}` : ''} ${markerOf(status.key)}[/relance]`;
  const current = note ?? '';
  const replaced = BLOCK.test(current) ? current.replace(BLOCK, block) : current ? `${current}\n${block}` : block;
  if (replaced.length <= PRIVATE_NOTE_MAX) return replaced;
  // Keep the user's text whole; shorten our summary to fit.
  const room = PRIVATE_NOTE_MAX - (replaced.length - block.length);
  const short = `[relance] ${status.date} ${status.step} ${markerOf(status.key)}[/relance]`;
  if (room < short.length) throw new Error(`the invoice's private note is full (${current.length}/${PRIVATE_NOTE_MAX} characters); shorten it in QuickBooks`);
  return BLOCK.test(current) ? current.replace(BLOCK, short) : `${current}\n${short}`;
}

interface QboInvoice {
  Id: string;
  SyncToken: string;
  PrivateNote?: string;
}

async function readInvoice(http: ProviderHttp, realmId: string, id: string): Promise<QboInvoice> {
  const { data, headers } = await http.get<{ Invoice?: QboInvoice }>(companyPath(realmId, `invoice/${encodeURIComponent(id)}`), { params: { minorversion: MINOR_VERSION } });
  assertNoFault(data, headers);
  if (!data.Invoice) throw new Error(`QuickBooks returned no Invoice ${id}`);
  return data.Invoice;
}

export const writeback: ConnectorWriteback = {
  async writeStatus(ctx, invoiceId, status) {
    for (let attempt = 1; ; attempt++) {
      // A fresh single read: list reads can carry a wrong SyncToken (Intuit .NET SDK #366).
      const invoice = await readInvoice(ctx.http, ctx.externalTenantId, invoiceId);
      if ((invoice.PrivateNote ?? '').includes(markerOf(status.key))) return { proof: `SyncToken ${invoice.SyncToken}`, alreadyPresent: true };
      const body = { Id: invoice.Id, SyncToken: invoice.SyncToken, sparse: true, PrivateNote: withStatusBlock(invoice.PrivateNote, status) };
      // requestid makes a replay of this exact write return the original answer instead of writing twice.
      const requestid = createHash('sha256').update(`${status.key}|${invoice.SyncToken}`).digest('hex').slice(0, 36);
      try {
        const { data, headers } = await ctx.http.post<{ Invoice?: QboInvoice }>(companyPath(ctx.externalTenantId, 'invoice'), body, { params: { minorversion: MINOR_VERSION, requestid } });
        assertNoFault(data, headers);
        return { proof: `SyncToken ${data.Invoice?.SyncToken ?? '?'}`, alreadyPresent: false };
      } catch (err) {
        if (err instanceof StaleVersion && attempt < STALE_RETRIES) continue;
        if (err instanceof StaleVersion) throw new StaleVersion('quickbooks', invoiceId);
        throw err;
      }
    }
  },
};
