// Sage specifics through the real engine: reads never mark invoices as sent, X-Business on every call, allocations, the nightly sweep, write-back that keeps the user's notes, a revoked token.
import { describe, expect, it } from 'vitest';
import { sage } from '../../connectors/sage/index.js';
import { BLOCK_END, BLOCK_START, withStatusLine } from '../../connectors/sage/writeback.js';
import { SECOND_BUSINESS_ID, simulator } from '../../connectors/sage/simulator/index.js';
import { getConnection, listDocuments, loadCredentials } from '../../src/store/index.js';
import { openProvider, syncConnection, syncRecords } from '../../src/sync/engine.js';
import type { OAuthTokens } from '../../src/connectors/types.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, fastGate, syncDeps, useSimulator, virtualClock } from '../support/providers.js';

const sql = useDatabase();
const clock = virtualClock();
const { sim } = useSimulator(simulator.create({ seed: 23, customers: 20, invoices: 240, creditNotes: 14, payments: 120, clock: clock.date }));
sim.liftQuotas();
const deps = syncDeps(sql, { gate: fastGate(clock), now: clock.date });
const lead = sim.data.business();
const sentFlags = () => new Map([...lead.invoices.values(), ...lead.creditNotes.values()].map((i) => [i.id, i.sent]));
const apiRequests = () => sim.requestLog.entries.filter((e) => e.url.startsWith(sim.baseUrls.api));

describe('Sage: reads never mark an invoice as sent', () => {
  it('a plain single read does mark it (the trap is real in the simulator)', async () => {
    const unsent = [...lead.invoices.values()].find((i) => !i.sent && i.voidReason === null)!;
    const c = await connectTo(sql, sage, sim);
    const tokens = await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id);
    const res = await fetch(`${sim.baseUrls.api}/sales_invoices/${unsent.id}`, { headers: { Authorization: `Bearer ${tokens!.accessToken}`, 'X-Business': c.externalTenantId } });
    expect(res.status).toBe(200);
    expect(unsent.sent).toBe(true);
    unsent.sent = false;
  });

  it('full sync, incremental sync, targeted re-reads and write-back leave every sent flag as it was', async () => {
    const before = sentFlags();
    expect([...before.values()].filter((s) => !s).length).toBeGreaterThan(10);
    sim.stats.reset();
    sim.requestLog.clear();
    const c = await connectTo(sql, sage, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const unsent = [...lead.invoices.values()].filter((i) => !i.sent && i.voidReason === null).map((i) => i.id);
    // A payment makes the incremental run re-read its invoice by id.
    sim.scenario.pay(sim.scenario.openInvoices().find((id) => unsent.includes(id))!, '1.00');
    clock.sleep(60_000);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    expect((await syncRecords(deps, c.tenant.id, c.connection.id, { invoices: unsent.slice(0, 12), credit_notes: [...lead.creditNotes.keys()].slice(0, 3) })).status).toBe('ok');
    const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
    await sage.writeback!.writeStatus(context, unsent[0]!, { key: 'k-sent', step: 'reminder-1', channel: 'email', date: '2026-11-20', summary: 'First reminder sent' });

    const singles = apiRequests().filter((e) => /\/sales_(invoices|credit_notes)\/[0-9a-f]{32}(\?|$)/.test(e.url));
    expect(singles.length).toBeGreaterThanOrEqual(17);
    expect(singles.some((e) => e.url.includes('/sales_credit_notes/'))).toBe(true);
    for (const e of singles) expect(new URL(e.url).searchParams.get('mark_as_sent'), e.url).toBe('false');
    expect(sim.stats.singleReadsMarkingSent).toBe(0);
    expect(sim.stats.markedAsSent).toBe(0);
    expect(sentFlags()).toEqual(before);
  });
});

describe('Sage: one business per connection', () => {
  it('sends X-Business with the chosen business on every data call, and lists both businesses for the picker', async () => {
    sim.requestLog.clear();
    const c = await connectTo(sql, sage, sim);
    expect(c.externalTenantId).toBe(sim.externalTenantId);
    const tenants = await sage.auth.tenants!(c.client, (await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id))!);
    expect(tenants.map((t) => t.id)).toEqual([sim.externalTenantId, SECOND_BUSINESS_ID]);
    expect(tenants.map((t) => t.name)).toEqual(['Relance Demo Ltd', 'Relance Demo Ireland Ltd']);
    // Picking the other business: everything read is that business's.
    await sql`update connections set external_tenant_id = ${SECOND_BUSINESS_ID} where id = ${c.connection.id}`;
    sim.stats.reset();
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    expect(sim.stats.requests).toBeGreaterThan(5);
    expect(sim.stats.withoutBusiness).toBe(0);
    const stored = (await listDocuments(sql, c.tenant.id, 'invoice')).map((d) => d.record.externalId).sort();
    expect(stored).toEqual([...sim.data.business(SECOND_BUSINESS_ID).invoices.keys()].sort());
    expect((await listDocuments(sql, c.tenant.id, 'invoice')).every((d) => d.record.currency === 'EUR')).toBe(true);
  });

  it('answers a call without X-Business, or with a business the user does not reach, with Sage’s error array', async () => {
    const c = await connectTo(sql, sage, sim);
    const tokens = await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id);
    for (const business of [null, '0123456789abcdef0123456789abcdef']) {
      const res = await fetch(`${sim.baseUrls.api}/contacts`, { headers: { Authorization: `Bearer ${tokens!.accessToken}`, ...(business ? { 'X-Business': business } : {}) } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([expect.objectContaining({ $severity: 'error', $dataCode: 'AuthorizationFailure', $source: 'X-Business' })]);
    }
  });
});

describe('Sage: allocations and the nightly sweep', () => {
  it('stores a credit note with the invoice its contact allocation settled, and the invoice with Sage’s outstanding amount', async () => {
    const allocation = [...lead.allocations.values()].find((a) => a.deletedMs === null)!;
    const invoiceLine = allocation.lines.find((l) => l.cents > 0)!;
    const noteLine = allocation.lines.find((l) => l.cents < 0)!;
    const c = await connectTo(sql, sage, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const note = (await listDocuments(sql, c.tenant.id, 'credit_note', { externalIds: [noteLine.artefact.id] }))[0]!.record;
    expect(note.allocations).toEqual([{ invoiceExternalId: invoiceLine.artefact.id, amount: (invoiceLine.cents / 100).toFixed(2), date: allocation.date }]);
    expect(note.status).toBe('applied');
    const inv = (await listDocuments(sql, c.tenant.id, 'invoice', { externalIds: [invoiceLine.artefact.id] }))[0]!.record;
    expect(inv.amountDue).toBe(sim.scenario.invoice(invoiceLine.artefact.id)!.amountDue);
  });

  it('applies a new allocation and a payment on account through the re-read of what they touched', async () => {
    const c = await connectTo(sql, sage, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const [a, b] = sim.scenario.openInvoices();
    const inv = lead.invoices.get(a!)!;
    const note = sim.data.create('credit_note', { contact_id: inv.contact.id, lines: [{ description: 'Goodwill', unit_price: '5.00', tax_rate_id: 'GB_EXEMPT' }] });
    sim.data.create('allocation', { contact_id: inv.contact.id, lines: [{ artefact_id: a, amount: '5.00' }, { artefact_id: note['id'], amount: '-5.00' }] });
    const invB = lead.invoices.get(b!)!;
    const onAccount = sim.data.create('payment', { contact_id: invB.contact.id, total_amount: '7.00', allocated_artefacts: [] });
    sim.data.create('allocation', { contact_id: invB.contact.id, lines: [{ artefact_id: b, amount: '7.00' }, { artefact_id: onAccount['id'], amount: '-7.00' }] });
    clock.sleep(60_000);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const stored = async (entity: 'invoice' | 'credit_note' | 'payment', id: string) => (await listDocuments(sql, c.tenant.id, entity, { externalIds: [id] }))[0]!.record;
    expect(await stored('invoice', a!)).toMatchObject({ amountDue: sim.scenario.invoice(a!)!.amountDue, status: 'partially_paid' });
    expect(await stored('invoice', b!)).toMatchObject({ amountDue: sim.scenario.invoice(b!)!.amountDue, status: 'partially_paid' });
    expect(await stored('credit_note', String(note['id']))).toMatchObject({ status: 'applied', allocations: [{ invoiceExternalId: a, amount: '5.00' }] });
    expect(await stored('payment', String(onAccount['id']))).toMatchObject({ amount: '7.00', unapplied: '0.00', allocations: [{ invoiceExternalId: b, amount: '7.00' }] });
  });

  it('re-reads every open invoice once the last sweep is 20 hours old, and not before', async () => {
    const c = await connectTo(sql, sage, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const sweeps = () => apiRequests().filter((e) => /\/sales_invoices\?/.test(e.url) && new URL(e.url).searchParams.has('status_id')).map((e) => new URL(e.url).searchParams.get('status_id'));
    sim.requestLog.clear();
    clock.sleep(3_600_000);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    expect(sweeps()).toEqual([]);
    clock.sleep(20 * 3_600_000);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    expect(sweeps()).toEqual(['UNPAID', 'PART_PAID']);
    sim.requestLog.clear();
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    expect(sweeps()).toEqual([]);
  });
});

describe('Sage: write-back', () => {
  it('keeps the user’s notes, replaces the invoice’s line in our block, attaches a private file, and changes no amount, date or status', async () => {
    const c = await connectTo(sql, sage, sim);
    const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
    const id = sim.scenario.openInvoices()[2]!;
    const inv = lead.invoices.get(id)!;
    inv.contact.notes = 'Accounts payable: Jo, ext. 214.';
    const before = lead.renderArtefact(inv);
    const first = { key: 'k1', step: 'reminder-1', channel: 'email', date: '2026-11-20', summary: 'First reminder' };
    const second = { key: 'k2', step: 'reminder-2', channel: 'email', date: '2026-11-27', summary: 'Second reminder', promisedPaymentDate: '2026-12-10' };
    expect((await sage.writeback!.writeStatus(context, id, first)).alreadyPresent).toBe(false);
    expect((await sage.writeback!.writeStatus(context, id, second)).alreadyPresent).toBe(false);
    expect((await sage.writeback!.writeStatus(context, id, second)).alreadyPresent).toBe(true);
    const notes = inv.contact.notes!;
    expect(notes.startsWith('Accounts payable: Jo, ext. 214.\n\n')).toBe(true);
    expect(notes.split(BLOCK_START)).toHaveLength(2);
    expect(notes.split(`${inv.number}: `)).toHaveLength(2);
    expect(notes).toContain('Second reminder · promise 2026-12-10');
    expect(notes).not.toContain('First reminder');
    expect(notes.trimEnd().endsWith(BLOCK_END)).toBe(true);
    expect(inv.attachments.map((a) => ({ isPublic: a.isPublic, type: a.contextType, mime: a.mimeType }))).toEqual([
      { isPublic: false, type: 'SALES_INVOICE', mime: 'application/pdf' },
      { isPublic: false, type: 'SALES_INVOICE', mime: 'application/pdf' },
    ]);
    expect(inv.attachments[1]!.text).toContain('Promised payment: 2026-12-10');
    const after = lead.renderArtefact(inv);
    for (const field of ['total_amount', 'outstanding_amount', 'date', 'due_date', 'status', 'sent', 'notes', 'reference']) expect(after[field], field).toEqual(before[field]);
  });

  it('merges the block into notes a user edited after our read (no lost edit), and keeps text after the block', () => {
    const merged = withStatusLine(`Intro\n\n${BLOCK_START}\nSI-1: old #a\nSI-2: kept #b\n${BLOCK_END}\nAfter the block`, 'SI-1', 'SI-1: new #c');
    expect(merged).toBe(`Intro\n\n${BLOCK_START}\nSI-2: kept #b\nSI-1: new #c\n${BLOCK_END}\nAfter the block`);
    expect(withStatusLine(null, 'SI-9', 'SI-9: x')).toBe(`${BLOCK_START}\nSI-9: x\n${BLOCK_END}`);
  });
});

describe('Sage: a token revoked at Sage', () => {
  it('marks the connection "needs reconnecting" after one refresh attempt, with no retry loop', async () => {
    const c = await connectTo(sql, sage, sim);
    sim.oauth.revokeAll();
    sim.stats.reset();
    const report = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(report.status).toBe('needs_reconnect');
    expect((await getConnection(sql, c.tenant.id, c.connection.id))!.status).toBe('needs_reconnect');
    expect(sim.stats.byRoute['POST /token']).toBe(1);
    expect(sim.stats.requests).toBeLessThanOrEqual(6);
    // The next scheduled run makes no call at all: no refresh spent, no loop.
    const again = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(again.status).toBe('needs_reconnect');
    expect(sim.stats.byRoute['POST /token']).toBe(1);
    expect(sim.stats.requests).toBe(2);
  });
});
