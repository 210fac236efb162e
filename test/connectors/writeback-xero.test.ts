// Xero write-back against its simulator: the note is looked for before it is written (a retry adds none), the PUT
// carries an idempotency key made of the marker, and a promised date Xero refuses on a locked invoice (paid) does
// not fail the write: the note already says it. Any other failure of that update does.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { markerOf } from '../../connectors/xero/writeback.js';
import { ProviderUnavailable } from '../../src/connectors/errors.js';
import { openProvider } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim, server } = useSimulator(createXeroSimulator({ seed: 31, customers: 6, invoices: 30, creditNotes: 2, payments: 4 }));
const deps = syncDeps(sql);

const notes = (id: string) => sim.data.history('Invoice', id).filter((h) => h['Changes'] === 'Note').map((h) => String(h['Details']));
const status = (id: string, step: string) => ({ key: `t|inv:${id}|${step}|v1`, step, channel: 'email', date: '2026-11-22', summary: `Relance ${step}`, promisedPaymentDate: '2026-12-15' });

async function context() {
  const c = await connectTo(sql, xero, sim);
  return (await openProvider(deps, c.tenant.id, c.connection.id)).context;
}

describe('Xero write-back', () => {
  it('writes the note with an idempotency key of its marker, proves it by the marker, and finds it on a retry', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[0]!;
    const s = status(id, 'firm');
    const keys: (string | null)[] = [];
    server.use(http.put(`${sim.baseUrls.api}/Invoices/:id/History`, ({ request }) => void keys.push(request.headers.get('idempotency-key'))));
    expect(await xero.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `history ${markerOf(s.key)}`, alreadyPresent: false });
    expect(keys).toEqual([`relance-${markerOf(s.key).slice(1)}`]);
    expect(await xero.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `history ${markerOf(s.key)}`, alreadyPresent: true });
    expect(keys).toHaveLength(1);
    expect(notes(id).filter((n) => n.includes(markerOf(s.key)))).toHaveLength(1);
  });

  it('a paid invoice refuses the promised date: the note is written all the same', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[1]!;
    sim.scenario.pay(id, String(sim.data.get('Invoice', id)!['AmountDue']));
    expect(sim.data.get('Invoice', id)!['Status']).toBe('PAID');
    const s = status(id, 'friendly');
    expect((await xero.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(false);
    expect(notes(id).some((n) => n.includes(markerOf(s.key)) && n.includes('promise 2026-12-15'))).toBe(true);
  });

  it('an outage of the promised-date update fails the write, for a retry that finds the note', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[2]!;
    server.use(http.post(`${sim.baseUrls.api}/Invoices/:id`, () => HttpResponse.text('down', { status: 503 })));
    await expect(xero.writeback!.writeStatus(ctx, id, status(id, 'firm'))).rejects.toBeInstanceOf(ProviderUnavailable);
    server.resetHandlers();
    expect((await xero.writeback!.writeStatus(ctx, id, status(id, 'firm'))).alreadyPresent).toBe(true);
  });

  it('a status with no promised date writes the note only: no update of the invoice', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[3]!;
    const updates: string[] = [];
    server.use(http.post(`${sim.baseUrls.api}/Invoices/:id`, ({ request }) => void updates.push(request.url)));
    await xero.writeback!.writeStatus(ctx, id, { ...status(id, 'firm'), promisedPaymentDate: null });
    expect(notes(id).some((n) => n.includes(markerOf(status(id, 'firm').key)))).toBe(true);
    expect(updates).toEqual([]);
    await xero.writeback!.writeStatus(ctx, id, status(id, 'formal'));
    expect(updates).toHaveLength(1);
  });
});

