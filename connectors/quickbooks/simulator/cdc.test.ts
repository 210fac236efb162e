// Change data capture of the QuickBooks simulator: changed objects, Deleted stubs, 30-day look-back, 1000-object cap.
import { describe, expect, it } from 'vitest';
import { harness, useMsw, type Harness, type Json } from './test-helpers.js';

const server = useMsw();

async function cdc(h: Harness, entities: string, changedSince: string) {
  const res = await h.api('cdc', { query: { entities, changedSince } });
  return { status: res.status, body: (await res.json()) as Json };
}

function lists(body: Json): Record<string, Json[]> {
  const qr = ((body.CDCResponse as Json[])[0] as Json).QueryResponse as Json[];
  const out: Record<string, Json[]> = {};
  for (const part of qr) for (const [k, v] of Object.entries(part)) if (Array.isArray(v)) out[k] = v as Json[];
  return out;
}

describe('QuickBooks simulator CDC', () => {
  it('returns records changed since the cursor, voided ones in full and deleted ones as stubs', async () => {
    const h = harness(server);
    h.clock.advance(60);
    const cursor = new Date(h.clock.ms).toISOString();
    h.clock.advance(60);
    const open = h.sim.data.list('Invoice').filter((i) => Number(i.Balance) > 0);
    const [a, b, c] = open.map((i) => String(i.Id));
    h.sim.data.update('Invoice', a as string, { PrivateNote: 'touched' });
    h.sim.data.void('Invoice', b as string);
    h.sim.data.remove('Invoice', c as string);
    const payment = h.sim.data.pay(a as string, '10.00');

    const { status, body } = await cdc(h, 'Invoice,Payment', cursor);
    expect(status).toBe(200);
    expect(typeof body.time).toBe('string');
    const got = lists(body);
    const invoices = got.Invoice ?? [];
    expect(new Set(invoices.map((i) => i.Id))).toEqual(new Set([a, b, c]));
    const voided = invoices.find((i) => i.Id === b) as Json;
    expect(voided.TotalAmt).toBe(0);
    expect(String(voided.PrivateNote)).toMatch(/^Voided/);
    const stub = invoices.find((i) => i.Id === c) as Json;
    expect(stub.status).toBe('Deleted');
    expect(Object.keys(stub).sort()).toEqual(['Id', 'MetaData', 'domain', 'status']);
    expect((got.Payment ?? []).map((p) => p.Id)).toContain(payment.Id);

    const later = await cdc(h, 'Invoice', new Date(h.clock.ms + 1000).toISOString());
    expect(lists(later.body)).toEqual({});
  });

  it('refuses a changedSince older than 30 days', async () => {
    const h = harness(server);
    const old = await cdc(h, 'Invoice', new Date(h.clock.ms - 31 * 86_400_000).toISOString());
    expect(old.status).toBe(400);
    expect((old.body.Fault as Json).type).toBe('ValidationFault');
    const ok = await cdc(h, 'Invoice', new Date(h.clock.ms - 29 * 86_400_000).toISOString());
    expect(ok.status).toBe(200);
  });

  it('holds at most 1000 objects in one response, across the requested entities', async () => {
    const h = harness(server, { invoices: 1200, customers: 40 });
    h.clock.advance(5);
    const cursor = new Date(h.clock.ms).toISOString();
    h.clock.advance(5);
    for (const inv of h.sim.data.list('Invoice').slice(0, 1100)) h.sim.data.update('Invoice', String(inv.Id), { PrivateNote: 'bulk' });
    const { body } = await cdc(h, 'Customer,Invoice', cursor);
    const got = lists(body);
    const total = Object.values(got).reduce((s, l) => s + l.length, 0);
    expect(total).toBe(1000);
    expect((got.Invoice ?? []).length).toBe(1000 - (got.Customer ?? []).length);
  });
});
