// Pipelined page stores (the next page read and mapped while one commits; page transactions one after the other, in
// order), with faults injected by triggers: in a database of this file's own, since DDL on shared tables would hold up
// every other test file.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { countDocuments, listDocuments, listQuarantine, loadCursor } from '../../src/store/index.js';
import { syncConnection } from '../../src/sync/engine.js';
import { useIsolatedDatabase } from '../support/db.js';
import { connectQuickBooks, useQuickBooksSync } from '../support/quickbooks.js';

const { sql } = useIsolatedDatabase();
const { sim, server, deps, invoiceById } = useQuickBooksSync(sql);

describe('pipelined page stores', () => {
  it('commits pages in order while the next one is read and mapped: a page that fails to store stops the ones after it', async () => {
    const c = await connectQuickBooks(sql, sim);
    const byId = sim.data.list('Invoice').sort((a, b) => Number(a['Id']) - Number(b['Id']));
    // Positions 981-1980 are the second page (only): the database refuses one of its rows for this tenant.
    const refused = String(byId[1500]!['Id']);
    const trigger = `fail_${c.tenant.id.replace(/-/g, '')}`;
    await sql.unsafe(`create function ${trigger}() returns trigger language plpgsql as $$ begin raise exception 'simulated storage failure for %', new.external_id; end $$`);
    await sql.unsafe(`create trigger ${trigger} before insert on invoices for each row when (new.tenant_id = '${c.tenant.id}' and new.external_id = '${refused}') execute function ${trigger}()`);
    try {
      const failed = await syncConnection(deps, c.tenant.id, c.connection.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/simulated storage failure/);
      // The third page was read and mapped while the second one stored, but never committed: only the first page is kept.
      const quarantinedInvoices = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).filter((q) => q.entity === 'invoice').length;
      expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(1000);
      expect(await listDocuments(sql, c.tenant.id, 'invoice', { externalIds: byId.slice(1980).map((i) => String(i['Id'])) })).toEqual([]);
      expect(await loadCursor(sql, c.tenant.id, c.connection.id, 'invoices')).toMatchObject({ mode: 'full', position: 981 });
    } finally {
      await sql.unsafe(`drop trigger ${trigger} on invoices`);
      await sql.unsafe(`drop function ${trigger}()`);
    }
    const resumed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(resumed.status).toBe('ok');
    expect(resumed.streams.find((st) => st.stream === 'invoices')!.pages).toBe(2);
    const quarantinedInvoices = (await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id })).filter((q) => q.entity === 'invoice').length;
    expect((await countDocuments(sql, c.tenant.id, 'invoice', c.connection.id)) + quarantinedInvoices).toBe(sim.data.count('Invoice'));
  });

  it('keeps the newer version of a record that changed between two consecutive pages while the first one is slow to store', async () => {
    const c = await connectQuickBooks(sql, sim);
    const byId = sim.data.list('Invoice').sort((a, b) => Number(a['Id']) - Number(b['Id']));
    // Position 981 ends page 1 and starts page 2 (offset paging re-reads 20): page 2 sees it edited.
    const shared = byId[980]!;
    const edited = { ...shared, DueDate: '2027-03-31', SyncToken: String(Number(shared['SyncToken']) + 1) };
    server.use(
      http.get(`${sim.baseUrls.api}/v3/company/:realm/query`, ({ request }) => {
        const q = new URL(request.url).searchParams.get('query') ?? '';
        if (!/FROM Invoice/.test(q) || !/STARTPOSITION 981\b/.test(q)) return undefined;
        const rows = byId.slice(980, 1980).map((r) => (r === shared ? edited : r));
        return HttpResponse.json({ QueryResponse: { Invoice: rows, startPosition: 981, maxResults: rows.length }, time: new Date().toISOString() });
      }),
    );
    // Page 1 stalls half way, so page 2 is read and mapped meanwhile: its copy of the shared row must still land after
    // page 1's, and neither page may wait on the other.
    const slow = `slow_${c.tenant.id.replace(/-/g, '')}`;
    await sql.unsafe(`create function ${slow}() returns trigger language plpgsql as $$ begin perform pg_sleep(1.5); return new; end $$`);
    await sql.unsafe(`create trigger ${slow} before insert on invoices for each row when (new.tenant_id = '${c.tenant.id}' and new.external_id = '${String(byId[500]!['Id'])}') execute function ${slow}()`);
    let report;
    try {
      report = await syncConnection(deps, c.tenant.id, c.connection.id);
    } finally {
      await sql.unsafe(`drop trigger ${slow} on invoices`);
      await sql.unsafe(`drop function ${slow}()`);
    }
    expect(report.status).toBe('ok');
    expect(await invoiceById(c.tenant.id, String(shared['Id']))).toMatchObject({ dueDate: '2027-03-31', externalVersion: edited.SyncToken });
    expect(await invoiceById(c.tenant.id, String(byId[981]!['Id']))).toMatchObject({ dueDate: byId[981]!['DueDate'] });
  });

  it('writes a page only once the one before it has committed, however long that one takes', async () => {
    const c = await connectQuickBooks(sql, sim);
    const byId = sim.data.list('Invoice').sort((a, b) => Number(a['Id']) - Number(b['Id']));
    const onPage1 = String(byId[500]!['Id']);
    const onPage2Only = String(byId[1500]!['Id']);
    const t = c.tenant.id.replace(/-/g, '');
    // Page 1 stalls on one row; when page 2 writes its own row, a trigger notes whether page 1's row is committed.
    await sql.unsafe(`create table seen_${t} (page1_committed boolean not null)`);
    await sql.unsafe(`create function slow_${t}() returns trigger language plpgsql as $$ begin perform pg_sleep(1.5); return new; end $$`);
    await sql.unsafe(`create trigger slow_${t} before insert on invoices for each row when (new.tenant_id = '${c.tenant.id}' and new.external_id = '${onPage1}') execute function slow_${t}()`);
    await sql.unsafe(
      `create function seen_${t}() returns trigger language plpgsql as $$ begin insert into seen_${t} select exists (select 1 from invoices where tenant_id = new.tenant_id and external_id = '${onPage1}'); return new; end $$`,
    );
    await sql.unsafe(`create trigger seen_${t} after insert on invoices for each row when (new.tenant_id = '${c.tenant.id}' and new.external_id = '${onPage2Only}') execute function seen_${t}()`);
    let report;
    try {
      report = await syncConnection(deps, c.tenant.id, c.connection.id);
    } finally {
      await sql.unsafe(`drop trigger slow_${t} on invoices`);
      await sql.unsafe(`drop trigger seen_${t} on invoices`);
      await sql.unsafe(`drop function slow_${t}()`);
      await sql.unsafe(`drop function seen_${t}()`);
    }
    expect(report.status).toBe('ok');
    // A page's transaction never waits on another's: had page 2 been written while page 1 stalled, it would not see it.
    expect(await sql.unsafe(`select page1_committed from seen_${t}`)).toEqual([{ page1_committed: true }]);
    await sql.unsafe(`drop table seen_${t}`);
  });

});
