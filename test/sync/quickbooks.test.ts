// QuickBooks end to end against the simulator and a real PostgreSQL: what only QuickBooks does (offset paging, raw bytes, PrivateNote, 503s). The shared scenarios are in test/contract.
import { getResponse, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { createTokenSource } from '../../src/connectors/tokens.js';
import { countDocuments, listDocuments, listQuarantine, loadCursor, readRawPage, type RawPageCodec } from '../../src/store/index.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import { PageSlots } from '../../src/sync/page-slots.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectQuickBooks, useQuickBooksSync } from '../support/quickbooks.js';

const sql = useDatabase();
const { sim, server, deps, invoiceById } = useQuickBooksSync(sql);

/** An open invoice of the simulator, pretty-printed with the trailing zeros JSON.stringify would drop. */
function prettyInvoice() {
  const inv = sim.data.list('Invoice').find((i) => Number(i['Balance']) > 0)!;
  const sent = JSON.stringify(inv, null, 2).replace(/"Balance": ([0-9.]+)/, (_m, n: string) => `"Balance": ${Number(n).toFixed(3)}`);
  expect(sent).not.toBe(JSON.stringify(JSON.parse(sent)));
  return { inv, sent };
}

/** The invoice's raw page as stored (decompressed), and its raw payload as read back. */
async function storedRaw(tenantId: string, id: string) {
  const [page] = await sql<{ body: Buffer; codec: RawPageCodec }[]>`
    select p.body, p.codec from raw_pages p join invoices i on i.raw_page = p.id
    where i.tenant_id = ${tenantId} and i.external_id = ${id}`;
  const [doc] = await listDocuments(sql, tenantId, 'invoice', { externalIds: [id], withRaw: true });
  return { page: (await readRawPage(page!.body, page!.codec)).toString('utf8'), doc: doc! };
}

describe('QuickBooks sync', () => {
  it('pages a full sync 1000 at a time and maps an invoice field by field', async () => {
    const c = await connectQuickBooks(sql, sim);
    sim.stats.reset();
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status).toBe('ok');
    expect(await countDocuments(sql, c.tenant.id, 'invoice')).toBe(sim.data.count('Invoice'));
    expect(report.streams.find((s) => s.stream === 'invoices')!.pages).toBe(3);
    expect(report.throttled).toBe(0);
    // One record checked field by field against the simulator's own JSON.
    const raw = sim.data.list('Invoice')[5]!;
    const stored = await invoiceById(c.tenant.id, String(raw['Id']));
    expect(stored).toMatchObject({ externalId: raw['Id'], number: raw['DocNumber'], dueDate: raw['DueDate'], amountDue: Number(raw['Balance']).toFixed(2), externalVersion: raw['SyncToken'] });
  });

  it('stores a raw payload byte for byte as QuickBooks sent it, not serialised again', async () => {
    const c = await connectQuickBooks(sql, sim);
    const { inv, sent } = prettyInvoice();
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, () =>
        new HttpResponse(`{"QueryResponse": {"Invoice": [${sent}], "startPosition": 1, "maxResults": 1}, "time": "${new Date().toISOString()}"}`, { headers: { 'content-type': 'application/json' } }),
      { once: true },
      ),
    );
    const report = await syncRecords(deps, c.tenant.id, c.connection.id, { invoices: [String(inv['Id'])] });
    expect(report.streams[0]).toMatchObject({ stream: 'invoices', records: 1, inserted: 1 });
    const { page, doc } = await storedRaw(c.tenant.id, String(inv['Id']));
    expect(page).toBe(`[${sent}]`);
    expect(doc.raw).toEqual(inv);
  });

  it('stores a full scan’s raw payloads byte for byte, each record read from its own text', async () => {
    const c = await connectQuickBooks(sql, sim);
    const { inv, sent } = prettyInvoice();
    // A full scan's one and only invoice page (fewer than 1,000: the scan ends), pretty-printed around the record too.
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, ({ request }) => {
        const q = new URL(request.url).searchParams.get('query') ?? '';
        if (!/FROM Invoice ORDERBY Id STARTPOSITION 1 /.test(q)) return undefined;
        return new HttpResponse(`{\n  "QueryResponse" : {\n    "Invoice" : [ ${sent} ],\n    "startPosition" : 1,\n    "maxResults" : 1\n  },\n  "time" : "${new Date().toISOString()}"\n}`, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status).toBe('ok');
    expect(report.streams.find((st) => st.stream === 'invoices')).toMatchObject({ records: 1, inserted: 1, quarantined: 0 });
    const { page, doc } = await storedRaw(c.tenant.id, String(inv['Id']));
    expect(page).toBe(`[${sent}]`);
    expect(doc.raw).toEqual(inv);
    expect(doc.record).toMatchObject({ externalId: inv['Id'], number: inv['DocNumber'], amountDue: Number(inv['Balance']).toFixed(2) });
  });

  it('a full-scan record damaged on the way fails its page, not the record: nothing of the page is stored, and the next run reads it again', async () => {
    const c = await connectQuickBooks(sql, sim);
    // The third invoice page as the simulator answers it, once, with one byte of its 6th record changed in a way that
    // keeps the brackets and quotes balanced: only parsing that record finds it.
    let damaged = false;
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, async ({ request }) => {
        const q = new URL(request.url).searchParams.get('query') ?? '';
        if (damaged || !/FROM Invoice/.test(q) || !/STARTPOSITION 1961\b/.test(q)) return undefined;
        damaged = true;
        const real = await (await getResponse(sim.handlers, request))!.text();
        const sixth = JSON.stringify((JSON.parse(real) as { QueryResponse: { Invoice: unknown[] } }).QueryResponse.Invoice[5]);
        const colon = real.indexOf(sixth) + sixth.indexOf(':');
        expect(colon).toBeGreaterThan(real.indexOf(sixth));
        return new HttpResponse(`${real.slice(0, colon)};${real.slice(colon + 1)}`, { headers: { 'content-type': 'application/json' } });
      }),
    );
    const failed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(damaged).toBe(true);
    expect(failed.status).toBe('failed');
    // Counted from the run's first record: pages 1 and 2 held 1,000 each, and the 6th of the third is damaged.
    expect(failed.error).toMatch(/invoices: record 2005 of a page is not JSON .*read again on the next run/);
    const quarantinedInvoices = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).filter((q) => q.entity === 'invoice').length;
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(1980);
    expect(await loadCursor(sql, c.tenant.id, c.connection.id, 'invoices')).toMatchObject({ mode: 'full', position: 1961 });
    const resumed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(resumed.status).toBe('ok');
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(sim.data.count('Invoice'));
  });

  it('prunes a stream’s raw pages as soon as that stream is done, even when another stream fails', async () => {
    const c = await connectQuickBooks(sql, sim);
    await syncConnection(deps, c.tenant.id, c.connection.id);
    const pages = async () =>
      Number((await sql<{ n: string }[]>`select count(*)::text as n from raw_pages where tenant_id = ${c.tenant.id} and entity = 'invoice'`)[0]!.n);
    const full = await pages();
    // Twelve webhook re-reads, one changed invoice each: twelve one-record pages.
    const open = sim.data.list('Invoice').filter((i) => Number(i['Balance']) > 0).slice(0, 12);
    for (const [n, inv] of open.entries()) {
      sim.data.update('Invoice', String(inv['Id']), { DueDate: `2027-02-${String(n + 1).padStart(2, '0')}` });
      await syncRecords(deps, c.tenant.id, c.connection.id, { invoices: [String(inv['Id'])] });
    }
    expect(await pages()).toBe(full + 12);
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/cdc`, ({ request }) =>
        new URL(request.url).searchParams.get('entities') === 'Customer'
          ? HttpResponse.json({ Fault: { Error: [{ Message: 'Invalid query', Detail: 'simulated', code: '4000' }], type: 'ValidationFault' }, time: new Date().toISOString() }, { status: 400 })
          : undefined,
      ),
    );
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status).toBe('failed');
    // The invoices stream finished: its twelve small pages were merged into one.
    expect(await pages()).toBe(full + 1);
  });

  it('waits out 429s and 503s without losing a page', async () => {
    const c = await connectQuickBooks(sql, sim);
    sim.faults.throttleNext(2);
    sim.faults.failNext(2, 503);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id, { streams: ['invoices'] });
    expect(report.status).toBe('ok');
    expect(report.throttled).toBe(2);
    // Every invoice is stored or quarantined.
    const quarantined = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).length;
    expect(await countDocuments(sql, c.tenant.id, 'invoice')).toBe(sim.data.count('Invoice') - quarantined);
    // Full scans re-read a few rows per page boundary (see FULL_SCAN_OVERLAP), never fewer than all.
    expect(report.streams[0]!.records).toBeGreaterThanOrEqual(sim.data.count('Invoice'));
  });

  it('keeps a full scan’s requests ahead within the run’s page slots, each page handed out with its slot (#29)', async () => {
    const c = await connectQuickBooks(sql, sim);
    expect(sim.data.count('Invoice')).toBeGreaterThan(2000);
    const starts: number[] = [];
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, ({ request }) => {
        const at = /FROM Invoice .*STARTPOSITION (\d+)/.exec(new URL(request.url).searchParams.get('query') ?? '');
        if (at) starts.push(Number(at[1]));
        return undefined;
      }),
    );
    expect(quickbooks.streams.invoices.readsAhead).toBe(true);
    const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector: quickbooks, client: c.client, tenantId: c.tenant.id, connectionId: c.connection.id });
    const httpClient = createProviderHttp({ connector: quickbooks, client: c.client, externalTenantId: c.realmId, tokens, gate: createMemoryRateGate() });
    // A run with two page slots: whatever the scan reads ahead, a page read and not yet committed holds one.
    const slots = new PageSlots(2);
    const pages = quickbooks.streams.invoices.read({ http: httpClient, externalTenantId: c.realmId, now: () => new Date(), cursor: null, full: true, pages: slots })[Symbol.asyncIterator]();
    // Time for any request the scan would send to be sent.
    const settle = () => new Promise((r) => setTimeout(r, 300));
    try {
      const first = await pages.next();
      expect(first.value!.records).toHaveLength(1000);
      await settle();
      // The first page was full: the next is asked for before the engine asks, within the second slot.
      expect(starts).toEqual([1, 981]);
      const second = await pages.next();
      expect(second.value!.cursor).toMatchObject({ mode: 'full', position: 1961 });
      await settle();
      // Both slots are held by pages not yet committed: nothing more is asked for.
      expect(starts).toEqual([1, 981]);
      expect(slots.taken).toBe(2);
      first.value!.slot!();
      await settle();
      expect(starts).toEqual([1, 981, 1961]);
      second.value!.slot!();
    } finally {
      await pages.return?.();
    }
    expect(slots.taken).toBe(0);
  });

  it('writes the status back into PrivateNote as one block, after the user note, replaced by the next status', async () => {
    const c = await connectQuickBooks(sql, sim);
    const inv = sim.data.list('Invoice').find((i) => Number(i['Balance']) > 0)!;
    const id = String(inv['Id']);
    sim.data.update('Invoice', id, { PrivateNote: 'Client prefers calls after 2pm' });
    const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector: quickbooks, client: c.client, tenantId: c.tenant.id, connectionId: c.connection.id });
    const httpClient = createProviderHttp({ connector: quickbooks, client: c.client, externalTenantId: c.realmId, tokens, gate: createMemoryRateGate() });
    const ctx = { http: httpClient, externalTenantId: c.realmId, now: () => new Date() };
    const status = { key: `${c.tenant.id}|inv:${id}|firm|v1`, step: 'firm', channel: 'email', date: '2026-11-22', summary: 'Relance ferme envoyée' };
    const first = await quickbooks.writeback!.writeStatus(ctx, id, status);
    expect(first.alreadyPresent).toBe(false);
    const note = String(sim.data.get('Invoice', id)!['PrivateNote']);
    expect(note.startsWith('Client prefers calls after 2pm\n[relance] 2026-11-22 firm (email): Relance ferme envoyée')).toBe(true);
    const next = await quickbooks.writeback!.writeStatus(ctx, id, { ...status, key: `${c.tenant.id}|inv:${id}|formal-notice|v1`, step: 'formal-notice', channel: 'letter', summary: 'Mise en demeure envoyée' });
    expect(next.alreadyPresent).toBe(false);
    const final = String(sim.data.get('Invoice', id)!['PrivateNote']);
    expect(final.match(/\[relance\]/g)).toHaveLength(1);
    expect(final).toContain('formal-notice (letter)');
    expect(Number(sim.data.get('Invoice', id)!['TotalAmt'])).toBe(Number(inv['TotalAmt']));
  });
  it('stops a stream on a provider error without leaving its page in flight, and resumes from the last stored page', async () => {
    const c = await connectQuickBooks(sql, sim);
    // The third invoice page fails for good (a 400 Fault is not retried) while the second one is being stored.
    let failedOnce = false;
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, ({ request }) => {
        const q = new URL(request.url).searchParams.get('query') ?? '';
        if (!failedOnce && /FROM Invoice/.test(q) && /STARTPOSITION 1961\b/.test(q)) {
          failedOnce = true;
          return HttpResponse.json({ Fault: { Error: [{ Message: 'Invalid query', Detail: 'simulated', code: '4000' }], type: 'ValidationFault' }, time: new Date().toISOString() }, { status: 400 });
        }
        return undefined;
      }),
    );
    const failed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(failed.status).toBe('failed');
    // Nothing of this connection is still writing once the run has reported: what is stored now stays as it is.
    // Pages 1 and 2 (positions 1-1000 and 981-1980) are stored (or quarantined: an earlier test corrupted one), and
    // the cursor says so.
    const quarantinedInvoices = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).filter((q) => q.entity === 'invoice').length;
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(1980);
    expect(await loadCursor(sql, c.tenant.id, c.connection.id, 'invoices')).toMatchObject({ mode: 'full', position: 1961 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(1980);
    sim.stats.reset();
    const resumed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(resumed.status).toBe('ok');
    expect(resumed.streams.find((st) => st.stream === 'invoices')!.pages).toBe(1);
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(sim.data.count('Invoice'));
  });
});
