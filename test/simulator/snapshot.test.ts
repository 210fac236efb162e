// The simulator kit's snapshots: an object graph with shared records and cycles survives JSON, and only for its own company.
import { describe, expect, it } from 'vitest';
import { readSnapshot, takeSnapshot } from '../../src/simulator/snapshot.js';

describe('simulator snapshots', () => {
  it('round-trips shared references, cycles, Maps and Sets through JSON text', () => {
    const customer: { id: string; invoices: object[] } = { id: 'c1', invoices: [] };
    const invoice = { id: 'i1', customer, lines: new Map([['l1', { amount: 36207 }]]), tags: new Set(['sent']) };
    customer.invoices.push(invoice);
    const text = JSON.stringify(takeSnapshot('acme', 'co-1', { customers: [customer], invoices: [invoice] }));
    const back = readSnapshot<{ customers: (typeof customer)[]; invoices: (typeof invoice)[] }>(JSON.parse(text), 'acme', 'co-1');
    expect(back.invoices[0]!.customer).toBe(back.customers[0]);
    expect(back.customers[0]!.invoices[0]).toBe(back.invoices[0]);
    expect(back.invoices[0]!.lines.get('l1')).toEqual({ amount: 36207 });
    expect([...back.invoices[0]!.tags]).toEqual(['sent']);
  });

  it('refuses a snapshot of another provider or company, naming both', () => {
    const snap = JSON.parse(JSON.stringify(takeSnapshot('acme', 'co-1', { n: 1 })));
    expect(readSnapshot(snap, 'acme', 'co-1')).toEqual({ n: 1 });
    expect(() => readSnapshot(snap, 'acme', 'co-2')).toThrow('snapshot of acme company co-1 cannot restore acme company co-2');
    expect(() => readSnapshot(snap, 'other', 'co-1')).toThrow(/cannot restore other company co-1/);
    expect(() => readSnapshot(null, 'acme', 'co-1')).toThrow(/snapshot of undefined company undefined/);
  });
});
