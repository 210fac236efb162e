// A sync run and a re-read on their own, with a connector whose streams are in-memory pages (no provider, no HTTP):
// the lock, the connection's status before and after, the report, batches and deletions of a re-read. The stores are
// the real PostgreSQL ones; only the provider side is a stub (test/support/stub-sync.ts).
import { describe, expect, it } from 'vitest';
import { AuthExpired, QuotaExhausted, UnfilteredAnswer } from '../../src/connectors/errors.js';
import { STREAMS } from '../../src/connectors/types.js';
import { connect } from '../../src/store/db.js';
import { listDocuments, listQuarantine, loadCursor } from '../../src/store/index.js';
import { getConnection, updateConnection } from '../../src/store/tenants.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import { REREAD_BATCH } from '../../src/sync/reread.js';
import type { SyncDeps } from '../../src/sync/types.js';
import { useDatabase } from '../support/db.js';
import { page, stubSync, type Books } from '../support/stub-sync.js';

const sql = useDatabase();
const setUp = (patch: Partial<Books> = {}, depsPatch: Partial<SyncDeps> = {}) => stubSync(sql, patch, depsPatch);

describe('a sync run', () => {
  it('syncs each stream asked for, reports every count, marks the connection active and saves each cursor', async () => {
    const before = Date.now();
    const s = await setUp({ pages: { invoices: [page(['i-1', 'i-2', 'bad-1'], { at: 1 }), page(['i-3', 'skip-1'], { at: 2 }, { deleted: ['i-1'] })], customers: [page(['c-1'], { at: 'c' })] } });
    const report = await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices', 'customers'] });
    expect(report).toMatchObject({ connectionId: s.connection.id, provider: s.provider, status: 'ok', error: null, requests: 0, throttled: 0 });
    expect(Date.parse(report.startedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(report.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.durationMs).toBeLessThanOrEqual(Date.now() - before);
    expect(report.streams).toEqual([
      { stream: 'invoices', pages: 2, records: 5, inserted: 3, updated: 0, unchanged: 0, deleted: 1, quarantined: 1, skipped: 1 },
      { stream: 'customers', pages: 1, records: 1, inserted: 1, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 },
    ]);
    expect(s.books.reads.sort()).toEqual(['customers', 'invoices']);
    expect(await loadCursor(sql, s.tenant.id, s.connection.id, 'invoices')).toEqual({ at: 2 });
    expect(await loadCursor(sql, s.tenant.id, s.connection.id, 'customers')).toEqual({ at: 'c' });
    const connection = await getConnection(sql, s.tenant.id, s.connection.id);
    expect(connection).toMatchObject({ status: 'active', statusDetail: null });
    expect(connection!.lastSyncAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('gives the stream its cursor, or none and full when asked, the mapping its connector’s context, and reports progress page by page', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1', 'bad-1'], { at: 1 }), page(['i-2', 'i-3', 'skip-1'], { at: 2 })] }, mappingContext: { homeCurrency: 'GBP' }, readContexts: [], mappingContexts: [] });
    const progress: unknown[] = [];
    await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'], onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { stream: 'invoices', pages: 1, records: 2 },
      { stream: 'invoices', pages: 2, records: 5 },
    ]);
    expect(s.books.mappingContexts![0]).toEqual({ provider: s.provider, homeCurrency: 'GBP' });
    await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] });
    await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'], full: true });
    expect(s.books.readContexts).toEqual([
      { stream: 'invoices', cursor: null, full: false },
      { stream: 'invoices', cursor: { at: 2 }, full: false },
      { stream: 'invoices', cursor: null, full: true },
    ]);
  });

  it('quarantines a record with no id under its position in the stream, counted across pages', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1', 'bad-1'], 1), page(['i-2', 'i-3'], 2), { records: [{ id: '', bad: true }], deleted: [], cursor: 3 }] } });
    s.books.pages.invoices![0]!.records[1] = { id: '', bad: true };
    await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] });
    expect((await listQuarantine(sql, s.tenant.id)).map((q) => q.external_id).sort()).toEqual(['unknown:1', 'unknown:4']);
  });

  it('fails a run of a connection with no company yet, saying what to do', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } });
    await sql`update connections set external_tenant_id = null where tenant_id = ${s.tenant.id} and id = ${s.connection.id}`;
    const report = await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] });
    expect(report).toMatchObject({ status: 'failed', error: `Connection ${s.connection.id} has no company yet: finish connecting it from the Connections page.` });
    expect(s.books.reads).toEqual([]);
  });

  it('reads every stream when none is named, and prunes each stream’s superseded raw pages', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1', 'i-2'], 1)] } });
    await syncConnection(s.deps, s.tenant.id, s.connection.id);
    expect(s.books.reads.sort()).toEqual([...STREAMS].sort());
    // Both invoices change: their first page is left with nobody pointing at it, and the run deletes it.
    s.books.pages.invoices = [page(['i-1', 'i-2'], 2, { v: 2 })];
    const report = await syncConnection(s.deps, s.tenant.id, s.connection.id);
    expect(report.streams.map((r) => r.stream)).toEqual([...STREAMS]);
    expect(report.streams.find((r) => r.stream === 'invoices')).toMatchObject({ updated: 2 });
    const [pages] = await sql<{ n: string }[]>`select count(*)::text as n from raw_pages where tenant_id = ${s.tenant.id}`;
    expect(pages!.n).toBe('1');
  });

  it('answers busy while another run holds the connection’s lock, reading nothing', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    const holder = sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`relance:sync:${s.connection.id}`}, 0))`;
      locked();
      await held;
    });
    await taken;
    try {
      const report = await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] });
      expect(report).toMatchObject({ status: 'busy', error: 'another sync of this connection is running', provider: 'unknown', requests: 0, throttled: 0 });
      expect(report.streams).toEqual([{ stream: 'invoices', pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 }]);
      expect(s.books.reads).toEqual([]);
    } finally {
      release();
      await holder;
    }
    expect((await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).status).toBe('ok');
  });

  it('waits out a spent quota without reading, then syncs once the reset has passed', async () => {
    const resetAt = new Date('2030-01-02T00:00:00.000Z');
    let now = new Date('2030-01-01T12:00:00.000Z');
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } }, { now: () => now });
    const detail = new QuotaExhausted('Stub', resetAt).message;
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'paused', statusDetail: detail });
    expect(await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).toMatchObject({ status: 'paused', error: detail });
    now = new Date(resetAt.getTime() - 1);
    expect((await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).status).toBe('paused');
    expect(s.books.reads).toEqual([]);
    now = resetAt;
    expect((await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).status).toBe('ok');
    expect(s.books.reads).toEqual(['invoices']);
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'active', statusDetail: null });
  });

  it('waits out a spent quota on the real clock when the run is given none', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } });
    const detail = new QuotaExhausted('Stub', new Date(Date.now() + 3_600_000)).message;
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'paused', statusDetail: detail });
    expect(s.deps.now).toBeUndefined();
    expect(await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).toMatchObject({ status: 'paused', error: detail });
    expect(s.books.reads).toEqual([]);
  });

  it('waits for a quota’s reset only when the connection is paused, not on a detail left from before', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } });
    const detail = new QuotaExhausted('Stub', new Date(Date.now() + 3_600_000)).message;
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'active', statusDetail: detail });
    expect((await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).status).toBe('ok');
    expect(s.books.reads).toEqual(['invoices']);
  });

  it('fails a run of a connection the tenant does not have, saying so', async () => {
    const s = await setUp();
    const other = await setUp();
    const report = await syncConnection(s.deps, s.tenant.id, other.connection.id, { streams: ['invoices'] });
    expect(report).toMatchObject({ status: 'failed', provider: 'unknown', error: expect.stringMatching(/^Connection .* does not exist for this tenant/) });
    expect(await getConnection(sql, other.tenant.id, other.connection.id)).toMatchObject({ status: 'active', statusDetail: null });
  });

  it('rejects with the database’s error when the connection lock cannot be taken at all', async () => {
    const s = await setUp();
    const down = connect('postgres://relance@127.0.0.1:1/relance', { max: 1 });
    try {
      await expect(syncConnection({ ...s.deps, sql: down }, s.tenant.id, s.connection.id)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await down.end({ timeout: 1 });
    }
    expect(s.books.reads).toEqual([]);
  });

  it('syncs a paused connection whose detail names no reset, and leaves one needing a reconnect alone', async () => {
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] } });
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'paused', statusDetail: 'paused by the user' });
    expect((await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).status).toBe('ok');
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'needs_reconnect', statusDetail: 'Stub rejected the credentials' });
    expect(await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] })).toMatchObject({ status: 'needs_reconnect', error: 'Stub rejected the credentials' });
    expect(s.books.reads).toEqual(['invoices']);
  });

  it('pauses on a spent quota, asks for a reconnect on refused credentials, and records any other failure', async () => {
    const resetAt = new Date(Date.now() + 3_600_000);
    const s = await setUp({ pages: { invoices: [page(['i-1'], 1)] }, fail: { customers: new QuotaExhausted('Stub', resetAt) } });
    const paused = await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices', 'customers'] });
    const quota = new QuotaExhausted('Stub', resetAt).message;
    expect(paused).toMatchObject({ status: 'paused', error: quota, provider: s.provider });
    // The stream that succeeded is reported with what it stored.
    expect(paused.streams.map((r) => [r.stream, r.inserted])).toEqual([['invoices', 1], ['customers', 0]]);
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'paused', statusDetail: quota });

    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'active', statusDetail: null });
    s.books.fail = { customers: new AuthExpired('Stub', 'invalid_grant') };
    const refused = await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['customers'] });
    const auth = new AuthExpired('Stub', 'invalid_grant').message;
    expect(refused).toMatchObject({ status: 'needs_reconnect', error: auth });
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'needs_reconnect', statusDetail: auth });

    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'active', statusDetail: null });
    s.books.fail = { customers: new Error('the provider answered 500') };
    expect(await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['customers'] })).toMatchObject({ status: 'failed', error: 'the provider answered 500' });
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'active', statusDetail: 'last sync failed: the provider answered 500' });
    s.books.fail = { customers: 'a thrown string' };
    expect(await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['customers'] })).toMatchObject({ status: 'failed', error: 'a thrown string' });
  });
});

describe('a re-read', () => {
  it('reads each id once, a batch at a time, stores what came back and voids what is gone, without moving a cursor', async () => {
    const ids = Array.from({ length: REREAD_BATCH + 5 }, (_, i) => `i-${String(i).padStart(3, '0')}`);
    const s = await setUp({ pages: { invoices: [page(['i-gone', 'i-000'], { at: 1 })] } });
    await syncConnection(s.deps, s.tenant.id, s.connection.id, { streams: ['invoices'] });
    for (const id of ids) s.books.records.set(id, { id, v: 2 });
    s.books.records.set('c-1', { id: 'c-1' });
    s.books.records.set('bad-1', { id: 'bad-1', bad: true });
    const report = await syncRecords(s.deps, s.tenant.id, s.connection.id, { invoices: [...ids, 'i-000', 'i-gone', 'bad-1'], customers: ['c-1', 'c-1'], payments: [] });
    expect(s.books.fetched.map((b) => b.length)).toEqual([1, REREAD_BATCH, 7]);
    expect(s.books.fetched[1]).toEqual(ids.slice(0, REREAD_BATCH));
    expect(s.books.fetched[2]).toEqual([...ids.slice(REREAD_BATCH), 'i-gone', 'bad-1']);
    expect(report).toMatchObject({ connectionId: s.connection.id, provider: s.provider, status: 'ok', error: null });
    expect(report.streams).toEqual([
      { stream: 'customers', pages: 1, records: 1, inserted: 1, updated: 0, unchanged: 0, deleted: 0, quarantined: 0, skipped: 0 },
      { stream: 'invoices', pages: 2, records: REREAD_BATCH + 6, inserted: REREAD_BATCH + 4, updated: 1, unchanged: 0, deleted: 1, quarantined: 1, skipped: 0 },
    ]);
    expect((await listDocuments(sql, s.tenant.id, 'invoice', { externalIds: ['i-000', 'i-gone'] })).map((d) => [d.record.externalId, d.record.status, d.record.total])).toEqual([
      ['i-000', 'open', '2.00'],
      ['i-gone', 'void', '1.00'],
    ]);
    expect(await loadCursor(sql, s.tenant.id, s.connection.id, 'invoices')).toEqual({ at: 1 });
  });

  it('refuses a deletion of an id it did not ask for, keeping the batches before it', async () => {
    const s = await setUp();
    for (let i = 0; i < REREAD_BATCH + 1; i++) s.books.records.set(`i-${String(i).padStart(3, '0')}`, { id: `i-${String(i).padStart(3, '0')}` });
    const ids = [...s.books.records.keys()];
    const first = syncRecords(s.deps, s.tenant.id, s.connection.id, { invoices: ids });
    await expect(first).resolves.toMatchObject({ status: 'ok' });
    s.books.fetched.length = 0;
    s.books.extraDeleted = ['i-other'];
    await expect(syncRecords(s.deps, s.tenant.id, s.connection.id, { invoices: ['i-000'] })).rejects.toThrow(UnfilteredAnswer);
    // Only the ids not asked for are named, as what the stream's re-read answered.
    const refused = syncRecords(s.deps, s.tenant.id, s.connection.id, { invoices: ['i-000', 'i-gone'] });
    await expect(refused).rejects.toMatchObject({ source: 'Stub invoices re-read', unexpected: ['i-other'] });
    await expect(refused).rejects.toThrow(/^Stub invoices re-read answered records that were not asked for \(i-other\)/);
    expect((await listDocuments(sql, s.tenant.id, 'invoice')).map((d) => d.record.status)).not.toContain('void');
    // A record not asked for is refused the same way, before anything of the batch is stored.
    s.books.extraDeleted = [];
    s.books.extraRecords = [{ id: 'c-9' }];
    await expect(syncRecords(s.deps, s.tenant.id, s.connection.id, { customers: ['c-1'] })).rejects.toMatchObject({ source: 'Stub customers re-read', unexpected: ['c-9'] });
    expect(await listDocuments(sql, s.tenant.id, 'customer')).toEqual([]);
  });

  it('reads exactly REREAD_BATCH ids in one batch, asking for no empty one after it', async () => {
    const s = await setUp();
    const ids = Array.from({ length: REREAD_BATCH }, (_, i) => `i-${i}`);
    for (const id of ids) s.books.records.set(id, { id });
    const report = await syncRecords(s.deps, s.tenant.id, s.connection.id, { invoices: ids });
    expect(s.books.fetched.map((b) => b.length)).toEqual([REREAD_BATCH]);
    expect(report.streams).toMatchObject([{ stream: 'invoices', pages: 1, records: REREAD_BATCH, inserted: REREAD_BATCH }]);
  });

  it('pauses the connection on a spent quota and throws it to the caller; any other error leaves the status alone', async () => {
    const resetAt = new Date(Date.now() + 3_600_000);
    const s = await setUp({ fail: { payments: new QuotaExhausted('Stub', resetAt) } });
    await expect(syncRecords(s.deps, s.tenant.id, s.connection.id, { payments: ['p-1'] })).rejects.toThrow(QuotaExhausted);
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'paused', statusDetail: new QuotaExhausted('Stub', resetAt).message });
    await updateConnection(sql, s.tenant.id, s.connection.id, { status: 'active', statusDetail: null });
    s.books.fail = { payments: new Error('the provider answered 500') };
    await expect(syncRecords(s.deps, s.tenant.id, s.connection.id, { payments: ['p-1'] })).rejects.toThrow('the provider answered 500');
    expect(await getConnection(sql, s.tenant.id, s.connection.id)).toMatchObject({ status: 'active', statusDetail: null });
  });
});
