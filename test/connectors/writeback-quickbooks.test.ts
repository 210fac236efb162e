// QuickBooks write-back against its simulator: a fresh read for the SyncToken, a requestid made of the status and that
// token, the new SyncToken as proof, and a write refused as stale (Fault 5010, a user editing the invoice at the same
// moment) redone on a fresh read, at most STALE_RETRIES times in all.
import { createHash } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { MINOR_VERSION } from '../../connectors/quickbooks/client.js';
import { createQuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import { STALE_RETRIES, markerOf } from '../../connectors/quickbooks/writeback.js';
import { ProviderRejected, StaleVersion } from '../../src/connectors/errors.js';
import { openProvider } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim, server } = useSimulator(createQuickBooksSimulator({ seed: 32, customers: 6, invoices: 30, creditNotes: 2, payments: 4, limits: { perSecond: Infinity, perMinute: Infinity } }));
const deps = syncDeps(sql);

const status = (id: string, step: string) => ({ key: `t|inv:${id}|${step}|v1`, step, channel: 'email', date: '2026-11-22', summary: `Relance ${step}` });
const syncToken = (id: string) => String(sim.data.get('Invoice', id)!['SyncToken']);

async function context() {
  const c = await connectTo(sql, quickbooks, sim);
  return (await openProvider(deps, c.tenant.id, c.connection.id)).context;
}

/** Each update POST of `id` is preceded by a user's edit of the invoice, `times` times; the POSTs' query strings. */
function userEditsBeforeEachWrite(id: string, times: number) {
  const writes: URLSearchParams[] = [];
  let left = times;
  server.use(
    http.post(`${sim.baseUrls.api}/v3/company/:realm/invoice`, ({ request }) => {
      writes.push(new URL(request.url).searchParams);
      if (left-- > 0) sim.data.update('Invoice', id, { CustomerMemo: { value: `edit ${times - left}` } });
    }),
  );
  return writes;
}

describe('QuickBooks write-back', () => {
  it('sends the SyncToken it read with a requestid of the status and that token, and gives the new SyncToken as proof', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[0]!;
    const s = status(id, 'firm');
    const writes = userEditsBeforeEachWrite(id, 0);
    const read = syncToken(id);
    const result = await quickbooks.writeback!.writeStatus(ctx, id, s);
    expect(result).toEqual({ proof: `SyncToken ${syncToken(id)}`, alreadyPresent: false });
    expect(syncToken(id)).toBe(String(Number(read) + 1));
    expect(writes.map((q) => [q.get('requestid'), q.get('minorversion')])).toEqual([[createHash('sha256').update(`${s.key}|${read}`).digest('hex').slice(0, 36), MINOR_VERSION]]);
    // A retry finds its marker: nothing written, the current SyncToken as proof.
    expect(await quickbooks.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `SyncToken ${syncToken(id)}`, alreadyPresent: true });
    expect(writes).toHaveLength(1);
  });

  it('a write refused as stale is redone on a fresh read, up to the last attempt', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[1]!;
    const s = status(id, 'friendly');
    const writes = userEditsBeforeEachWrite(id, STALE_RETRIES - 1);
    expect((await quickbooks.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(false);
    expect(writes).toHaveLength(STALE_RETRIES);
    // Each attempt carries the token it read, so each has its own requestid.
    expect(new Set(writes.map((q) => q.get('requestid'))).size).toBe(STALE_RETRIES);
    expect(String(sim.data.get('Invoice', id)!['PrivateNote'])).toContain(markerOf(s.key));
    expect((sim.data.get('Invoice', id)!['CustomerMemo'] as { value: string }).value).toBe(`edit ${STALE_RETRIES - 1}`);
  });

  it('stale at every attempt: gives up after STALE_RETRIES with StaleVersion naming the invoice, writing nothing', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[2]!;
    const writes = userEditsBeforeEachWrite(id, STALE_RETRIES);
    const err = await quickbooks.writeback!.writeStatus(ctx, id, status(id, 'firm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StaleVersion);
    expect((err as StaleVersion).externalId).toBe(id);
    expect((err as StaleVersion).provider).toBe('quickbooks');
    expect(writes).toHaveLength(STALE_RETRIES);
    expect(String(sim.data.get('Invoice', id)!['PrivateNote'] ?? '')).not.toContain('[relance]');
  });

  it('reads the invoice with the pinned minor version', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[3]!;
    const reads: (string | null)[] = [];
    server.use(http.get(`${sim.baseUrls.api}/v3/company/:realm/invoice/:id`, ({ request }) => void reads.push(new URL(request.url).searchParams.get('minorversion'))));
    await quickbooks.writeback!.writeStatus(ctx, id, status(id, 'firm'));
    expect(reads).toEqual([MINOR_VERSION]);
  });

  it('a write refused for another reason than staleness is surfaced as it is, not retried', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[4]!;
    let posts = 0;
    server.use(
      http.post(`${sim.baseUrls.api}/v3/company/:realm/invoice`, () => {
        posts++;
        return HttpResponse.json({ Fault: { Error: [{ Message: 'Business Validation Error', Detail: 'PrivateNote too long', code: '6000' }], type: 'ValidationFault' }, time: new Date().toISOString() }, { status: 400 });
      }),
    );
    const err = await quickbooks.writeback!.writeStatus(ctx, id, status(id, 'firm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRejected);
    expect((err as Error).message).toContain('PrivateNote too long');
    expect(posts).toBe(1);
  });

  it('an invoice read that names no invoice is an error that says so; a write answered without one is proved by an unknown token', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[5]!;
    server.use(http.get(`${sim.baseUrls.api}/v3/company/:realm/invoice/:id`, () => HttpResponse.json({ time: new Date().toISOString() })));
    await expect(quickbooks.writeback!.writeStatus(ctx, id, status(id, 'firm'))).rejects.toThrow(`QuickBooks returned no Invoice ${id}`);
    server.resetHandlers();
    server.use(http.post(`${sim.baseUrls.api}/v3/company/:realm/invoice`, () => HttpResponse.json({ time: new Date().toISOString() })));
    expect(await quickbooks.writeback!.writeStatus(ctx, id, status(id, 'firm'))).toEqual({ proof: 'SyncToken ?', alreadyPresent: false });
  });
});

