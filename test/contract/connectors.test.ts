// The contract every connector meets against its own simulator, through the real engine: one describe per registered provider.
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { webhookSecretFor } from '../../src/connectors/clients.js';
import { isPdf } from '../../src/connectors/pdf.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { STREAMS, STREAM_ENTITY, type OAuthTokens, type StreamName } from '../../src/connectors/types.js';
import { connectors } from '../../connectors/index.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import { subtractAmounts } from '../../src/model/money.js';
import type { Service } from '../../src/service.js';
import { countDocuments, listDocuments, listQuarantine, loadCredentials, loadCursor, pendingInbox } from '../../src/store/index.js';
import { openProvider, syncConnection, syncRecords, type StreamReport } from '../../src/sync/engine.js';
import { NO_APPS } from '../../src/sync/deps.js';
import { createProcessors } from '../../workers/processors.js';
import { ENTITIES, busiestWindow, sharedClock, simulated, watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();

describe.each(simulated)('connector contract: $provider', ({ provider, connector, factory }) => {
  // The simulator keeps its documented quotas, on the rate gate's virtual clock.
  const { clock, gate, arrived } = sharedClock();
  const { sim, server } = useSimulator(factory.create({ seed: 31, customers: 30, invoices: 300, creditNotes: 12, payments: 150, clock: clock.date }));
  const s = sim.scenario;
  const deps = syncDeps(sql, { gate });
  const apiBase = sim.baseUrls['api']!;
  const traffic = watchTraffic(server, clock.now, (e) => {
    if (e.url.startsWith(apiBase)) arrived();
  });
  const api = () => traffic.to(apiBase);

  const stored = async <E extends (typeof ENTITIES)[number]>(tenantId: string, entity: E, id: string) => (await listDocuments(sql, tenantId, entity, { externalIds: [id] }))[0]?.record;
  const storedIds = async (tenantId: string, entity: (typeof ENTITIES)[number]) => (await listDocuments(sql, tenantId, entity)).map((d) => d.record.externalId).sort();
  const sorted = (ids: readonly string[]) => [...ids].sort();
  const streamOf = (report: { streams: StreamReport[] }, stream: StreamName) => report.streams.find((r) => r.stream === stream)!;

  it('the consent names the company as its books do (an install names the company after it), never by its id', async () => {
    const c = await connectTo(sql, connector, sim);
    expect(c.companyName?.trim()).toBeTruthy();
    expect(c.companyName).not.toContain(c.externalTenantId);
  });

  it('full sync: stores exactly the receivable documents, once each, with the amounts the provider shows', async () => {
    const c = await connectTo(sql, connector, sim);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    for (const entity of ENTITIES) {
      expect(await storedIds(c.tenant.id, entity), entity).toEqual(sorted(s.receivables(entity)));
      expect(await countDocuments(sql, c.tenant.id, entity), entity).toBe(s.receivables(entity).length);
    }
    for (const id of s.openInvoices().slice(0, 5)) {
      const truth = s.invoice(id)!;
      expect(await stored(c.tenant.id, 'invoice', id)).toMatchObject({ customerExternalId: truth.customerId, total: truth.total, amountDue: truth.amountDue, dueDate: truth.dueDate, status: 'open' });
    }
  });

  it('incremental sync: applies a create, an update, a payment, a void and a deletion of every entity the provider deletes', async () => {
    const deleted = ENTITIES.filter((e) => s.deletes[e] !== null).map((entity) => ({ entity, id: s.deletable(entity) }));
    expect(deleted.length).toBeGreaterThan(0);
    const c = await connectTo(sql, connector, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    for (const d of deleted) expect(await stored(c.tenant.id, d.entity, d.id), `${d.entity} ${d.id} before its deletion`).toMatchObject(d.entity === 'customer' ? { active: true } : { status: expect.not.stringMatching(/^void$/) });

    const [updated, paid, voided] = s.openInvoices();
    const dueBefore = s.invoice(paid!)!.amountDue;
    s.updateInvoice(updated!, { dueDate: '2027-03-31' });
    const payment = s.pay(paid!, '5.00');
    s.voidInvoice(voided!);
    const created = s.createInvoice({ customerId: s.invoice(updated!)!.customerId, total: '120.00', dueDate: '2027-04-30' });
    for (const d of deleted) s.delete(d.entity, d.id);

    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    // Incremental: the changes, not every invoice again.
    expect(streamOf(report, 'invoices').records).toBeLessThan(s.receivables('invoice').length);
    expect((await stored(c.tenant.id, 'invoice', updated!))!.dueDate).toBe('2027-03-31');
    const paidNow = await stored(c.tenant.id, 'invoice', paid!);
    expect(paidNow!.amountDue).toBe(subtractAmounts(dueBefore, '5.00', paidNow!.currency));
    expect(await stored(c.tenant.id, 'payment', payment)).toMatchObject({ amount: '5.00', status: 'posted' });
    expect((await stored(c.tenant.id, 'invoice', voided!))!.status).toBe('void');
    expect(await stored(c.tenant.id, 'invoice', created)).toMatchObject({ total: '120.00', amountDue: '120.00', dueDate: '2027-04-30', status: 'open' });
    for (const d of deleted) {
      expect(await stored(c.tenant.id, d.entity, d.id), `${d.entity} ${d.id} after its deletion`).toMatchObject(d.entity === 'customer' ? { active: false } : { status: 'void' });
    }
    // A record gone from every read is known deleted only from the change feed: the engine must apply it.
    const removed = deleted.filter((d) => s.deletes[d.entity] === 'removed');
    for (const stream of STREAMS) {
      expect(streamOf(report, stream).deleted, stream).toBe(removed.filter((d) => STREAM_ENTITY[stream] === d.entity).length);
    }
    for (const entity of ENTITIES) {
      expect(await storedIds(c.tenant.id, entity), entity).toEqual(sorted([...s.receivables(entity), ...removed.filter((d) => d.entity === entity).map((d) => d.id)]));
    }
    // Deleting the payment gave its invoice the money back: every invoice agrees with the provider.
    for (const doc of await listDocuments(sql, c.tenant.id, 'invoice')) {
      const truth = s.invoice(doc.record.externalId);
      if (truth) expect(doc.record.amountDue, doc.record.externalId).toBe(truth.amountDue);
    }
  });

  it.skipIf(!connector.webhooks || !s.pendingWebhook)('webhook: a signed delivery goes through the route and the inbox, and the worker re-reads exactly the records it names', async () => {
    // Deletions through the re-read path too, of what every provider's webhooks name (invoices, customers and credit
    // notes; Xero's name no payments).
    const gone = (['invoice', 'customer', 'credit_note'] as const).filter((e) => s.deletes[e] !== null).map((entity) => ({ entity, id: s.deletable(entity) }));
    const c = await connectTo(sql, connector, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    s.pendingWebhook!();
    const cursors = async () => Promise.all(STREAMS.map((stream) => loadCursor(sql, c.tenant.id, c.connection.id, stream)));
    const cursorsBefore = await cursors();

    const [updated, paid] = s.openInvoices();
    s.updateInvoice(updated!, { dueDate: '2027-05-31' });
    s.pay(paid!, '7.00');
    for (const g of gone) s.delete(g.entity, g.id);
    const delivery = s.pendingWebhook!();
    expect(delivery).not.toBeNull();

    const app = webhookRoutes({
      sql,
      registry: new ConnectorRegistry(connectors),
      secretFor: (p, connection) => webhookSecretFor(NO_APPS, p, connection),
      wake: async () => undefined,
    });
    const post = () => app.request(`/${provider}/${c.connection.id}`, { method: 'POST', body: delivery!.body, headers: delivery!.headers });
    expect((await post()).status).toBe(200);
    const inbox = await pendingInbox(sql, c.tenant.id);
    const named = inbox.map((e) => e.payload as { stream: StreamName; externalId: string });
    const streamOfEntity = (entity: (typeof ENTITIES)[number]) => STREAMS.find((st) => STREAM_ENTITY[st] === entity)!;
    expect(named).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stream: 'invoices', externalId: updated }),
        expect.objectContaining({ stream: 'invoices', externalId: paid }),
        ...gone.map((g) => expect.objectContaining({ stream: streamOfEntity(g.entity), externalId: g.id })),
      ]),
    );
    // A redelivery is stored once.
    expect((await post()).status).toBe(200);
    expect(await pendingInbox(sql, c.tenant.id)).toHaveLength(inbox.length);

    const enqueued: string[] = [];
    const service = { runtime: { sql }, sync: deps, log: pino({ level: 'silent' }), queue: { enqueue: async (name: string) => void enqueued.push(name) } } as unknown as Service;
    traffic.reset();
    await createProcessors(service, { executeActions: async () => undefined }).webhook!({ tenantId: c.tenant.id, provider }, { jobId: 'webhook-1', attempt: 1 });
    expect(await pendingInbox(sql, c.tenant.id)).toEqual([]);
    expect(enqueued).toEqual(['evaluate']);
    // Targeted re-reads only: the mapping context, then one read per stream named; no cursor moved.
    expect(api().length).toBeLessThanOrEqual(1 + new Set(named.map((n) => n.stream)).size);
    expect(await cursors()).toEqual(cursorsBefore);
    expect((await stored(c.tenant.id, 'invoice', updated!))!.dueDate).toBe('2027-05-31');
    expect((await stored(c.tenant.id, 'invoice', paid!))!.amountDue).toBe(s.invoice(paid!)!.amountDue);
    for (const g of gone) expect(await stored(c.tenant.id, g.entity, g.id), `${g.entity} ${g.id}`).toMatchObject(g.entity === 'customer' ? { active: false } : { status: 'void' });
  });

  it.skipIf(!s.untouchedByReads)('reads change nothing at the provider: a full and an incremental sync, single re-reads and a write-back leave what reads may change as it was', async () => {
    const before = JSON.stringify(s.untouchedByReads!());
    const c = await connectTo(sql, connector, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const open = s.openInvoices();
    s.pay(open[0]!, '2.00');
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const reread = await syncRecords(deps, c.tenant.id, c.connection.id, { invoices: open.slice(1, 11), credit_notes: s.receivables('credit_note').slice(0, 3) });
    expect(reread.status).toBe('ok');
    expect(api().some((e) => e.method === 'GET' && open.slice(1, 11).some((id) => e.url.includes(id)))).toBe(true);
    if (connector.writeback) {
      const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
      await connector.writeback.writeStatus(context, open[1]!, { key: `${c.tenant.id}|reads`, step: 'reminder-1', channel: 'email', date: '2026-11-20', summary: 'First reminder' });
    }
    expect(JSON.stringify(s.untouchedByReads!())).toBe(before);
  });

  it.skipIf(!connector.invoicePdf)("reads an invoice's PDF as the books render it, changing nothing in the books; none for an unknown invoice", async () => {
    const c = await connectTo(sql, connector, sim);
    // A new invoice: one no read has touched yet (a provider whose single reads mark invoices as sent would show it).
    const id = s.createInvoice({ customerId: s.invoice(s.openInvoices()[0]!)!.customerId, total: '120.00', dueDate: '2027-04-30' });
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const number = (await stored(c.tenant.id, 'invoice', id))!.number!;
    const before = s.untouchedByReads ? JSON.stringify(s.untouchedByReads()) : null;
    const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
    const pdf = await connector.invoicePdf!(context, id);
    expect(pdf && isPdf(pdf)).toBe(true);
    expect(execFileSync('pdftotext', ['-', '-'], { input: pdf! }).toString()).toContain(number);
    if (before !== null) expect(JSON.stringify(s.untouchedByReads!())).toBe(before);
    const unknown = /^\d+$/.test(id) ? '987654321' : id.replace(/[0-9a-f]/gi, '0');
    expect(await connector.invoicePdf!(context, unknown)).toBeNull();
  });

  it.skipIf(!connector.writeback)('write-back racing a user’s edit: both the edit and our status are kept, and the status is written once', async () => {
    const c = await connectTo(sql, connector, sim);
    const id = s.openInvoices()[0]!;
    const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
    const status = { key: `${c.tenant.id}|inv:${id}|firm|v1`, step: 'firm', channel: 'email', date: '2026-11-22', summary: 'Relance ferme envoyée', promisedPaymentDate: '2027-01-15' };
    const edit = s.editConcurrently(id);
    traffic.reset();
    expect((await connector.writeback!.writeStatus(context, id, status)).alreadyPresent).toBe(false);
    expect(edit.kept()).toBe(true);
    expect(s.writtenStatus(id).split(status.summary)).toHaveLength(2);
    // The provider's rule: a write carrying the version read before the edit is refused once, then redone.
    const refused = api().filter((e) => e.method !== 'GET' && (e.status ?? 0) >= 400);
    expect(refused).toHaveLength(s.versionedWrites ? 1 : 0);
    expect((await connector.writeback!.writeStatus(context, id, status)).alreadyPresent).toBe(true);
    expect(s.writtenStatus(id).split(status.summary)).toHaveLength(2);
    expect(edit.kept()).toBe(true);
  });

  it('429 storm: after each 429 nothing starts until the provider’s wait is over, and no window of its quota is exceeded', async () => {
    const [syncing, reading] = [await connectTo(sql, connector, sim), await connectTo(sql, connector, sim)];
    const quota = s.quota();
    const targets = s.openInvoices().slice(0, 40);
    traffic.reset();
    sim.faults.throttleNext(3);
    // A full sync and a burst of re-reads on a second connection to the same company: one budget for both.
    const [report, ...reads] = await Promise.all([
      syncConnection(deps, syncing.tenant.id, syncing.connection.id),
      ...targets.map((id) => syncRecords(deps, reading.tenant.id, reading.connection.id, { invoices: [id] })),
    ]);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(reads.every((r) => r.status === 'ok')).toBe(true);
    const calls = api();
    // Only the three planted 429s: the simulator's own windows never had to refuse a request.
    const throttled = calls.filter((e) => e.status === 429);
    expect(throttled).toHaveLength(3);
    for (const t of throttled) {
      const waitMs = t.retryAfter !== null ? Number(t.retryAfter) * 1000 : connector.rateLimits.defaultBackoffMs;
      // Requests already through the gate when the 429 came back may still start; nothing new does.
      const during = calls.filter((e) => e.startedAt > t.answeredAt! && e.startedAt < t.answeredAt! + waitMs);
      expect(during.length, `requests within ${waitMs} ms of a 429`).toBeLessThan(quota.concurrent);
    }
    const starts = calls.map((e) => e.startedAt);
    if (quota.perSecond !== undefined) expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(quota.perSecond);
    expect(busiestWindow(starts, 60_000)).toBeLessThanOrEqual(quota.perMinute);
    expect(calls.length).toBeGreaterThan(2 * targets.length);
    expect(await storedIds(syncing.tenant.id, 'invoice')).toEqual(sorted(s.receivables('invoice')));
  });

  it('an access token expiring mid-sync is refreshed once, saved encrypted, and used for the rest of the sync', async () => {
    const c = await connectTo(sql, connector, sim);
    const before = await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id);
    traffic.reset();
    s.expireTokensAfter(3);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(traffic.to(sim.baseUrls["token"]!).filter((e) => e.method === 'POST')).toHaveLength(1);
    const after = await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id);
    expect(after!.accessToken).not.toBe(before!.accessToken);
    // Saved encrypted: neither token is readable at rest.
    const [row] = await sql<{ credentials: Buffer }[]>`select credentials from connections where id = ${c.connection.id}`;
    expect(row!.credentials.toString('latin1')).not.toContain(after!.accessToken);
    expect(row!.credentials.toString('latin1')).not.toContain(after!.refreshToken);
    // Two tokens only: the one that expired, then the saved one, to the last request.
    const bearers = api().map((e) => e.authorization);
    expect(new Set(bearers)).toEqual(new Set([`Bearer ${before!.accessToken}`, `Bearer ${after!.accessToken}`]));
    expect(bearers.at(-1)).toBe(`Bearer ${after!.accessToken}`);
    for (const entity of ENTITIES) expect(await storedIds(c.tenant.id, entity), entity).toEqual(sorted(s.receivables(entity)));
  });

  // Last: the corrupted record stays corrupt for the rest of this simulator's life.
  it('quarantine: a malformed record is kept with its reason, failing path and raw payload; the rest is stored', async () => {
    const bad = s.openInvoices()[3]!;
    s.corrupt('invoice', bad);
    const c = await connectTo(sql, connector, sim);
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    expect(streamOf(report, 'invoices').quarantined).toBe(1);
    const entries = await listQuarantine(sql, c.tenant.id, { connectionId: c.connection.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ entity: 'invoice', external_id: bad, path: expect.stringMatching(/\w/), reason: expect.stringMatching(/\w/) });
    expect(JSON.stringify(entries[0]!.raw)).toContain(bad);
    expect(await storedIds(c.tenant.id, 'invoice')).toEqual(sorted(s.receivables('invoice').filter((id) => id !== bad)));
    for (const entity of ['customer', 'credit_note', 'payment'] as const) expect(await storedIds(c.tenant.id, entity), entity).toEqual(sorted(s.receivables(entity)));
  });
});
