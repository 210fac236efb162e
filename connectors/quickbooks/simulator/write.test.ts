// Write-back through the QuickBooks simulator: sparse updates with SyncToken, 5010, custom fields, void, delete, requestid.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { harness, useMsw, type Harness, type Json } from './test-helpers.js';

const server = useMsw();

async function post(h: Harness, path: string, body: unknown, query: Record<string, string> = {}) {
  const res = await h.api(path, { body, query });
  return { status: res.status, body: (await res.json()) as Json };
}

function firstOpenInvoiceWithPayment(h: Harness): Json {
  const inv = h.sim.data.list('Invoice').find((i) => Number(i.Balance) > 0 && (i.LinkedTxn as Json[]).length > 0);
  if (!inv) throw new Error('seed has no partially paid invoice');
  return inv;
}

describe('QuickBooks simulator writes', () => {
  it('applies a sparse PrivateNote update, bumping SyncToken and LastUpdatedTime only', async () => {
    const h = harness(server);
    const before = h.sim.data.get('Invoice', '5') as Json;
    h.clock.advance(120);
    const res = await post(h, 'invoice', { Id: '5', SyncToken: before.SyncToken, sparse: true, PrivateNote: '[relance] status=PROMISE_TO_PAY' });
    expect(res.status).toBe(200);
    const after = res.body.Invoice as Json;
    expect(after.PrivateNote).toBe('[relance] status=PROMISE_TO_PAY');
    expect(after.SyncToken).toBe(String(Number(before.SyncToken) + 1));
    expect(Date.parse(String((after.MetaData as Json).LastUpdatedTime))).toBe(Math.floor(h.clock.ms / 1000) * 1000);
    for (const k of ['Line', 'TotalAmt', 'Balance', 'DueDate', 'CustomerRef', 'DocNumber']) expect(after[k]).toEqual(before[k]);
    expect(h.sim.data.get('Invoice', '5')).toEqual(after);
  });

  it('answers a stale SyncToken with the 5010 Stale Object Error fault', async () => {
    const h = harness(server);
    const inv = h.sim.data.get('Invoice', '7') as Json;
    h.sim.data.update('Invoice', '7', { PrivateNote: 'edited by the user' });
    const res = await post(h, 'invoice', { Id: '7', SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'ours' });
    expect(res.status).toBe(400);
    const fault = res.body.Fault as { Error: Json[]; type: string };
    expect(fault.type).toBe('ValidationFault');
    expect(fault.Error[0]).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
    expect(String(fault.Error[0]?.Detail)).toMatch(/^Stale Object Error : You and .+ were working on this at the same time/);
    expect((h.sim.data.get('Invoice', '7') as Json).PrivateNote).toBe('edited by the user');
  });

  it('writes a legacy string custom field', async () => {
    const h = harness(server);
    const inv = h.sim.data.list('Invoice')[1] as Json;
    const res = await post(h, 'invoice', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, CustomField: [{ DefinitionId: '1', Type: 'StringType', StringValue: 'PTP 2026-07-20' }] });
    expect(res.status).toBe(200);
    expect((res.body.Invoice as Json).CustomField).toEqual([{ DefinitionId: '1', Name: 'Relance', Type: 'StringType', StringValue: 'PTP 2026-07-20' }]);
  });

  it('voids an invoice: amounts zeroed, links cleared, payment money becomes unapplied', async () => {
    const h = harness(server);
    const inv = firstOpenInvoiceWithPayment(h);
    const paymentId = String(((inv.LinkedTxn as Json[])[0] as Json).TxnId);
    const paymentBefore = h.sim.data.get('Payment', paymentId) as Json;
    const line = (paymentBefore.Line as Json[]).find((l) => ((l.LinkedTxn as Json[])[0] as Json).TxnId === inv.Id) as Json;
    const res = await post(h, 'invoice', { Id: inv.Id, SyncToken: inv.SyncToken }, { operation: 'void' });
    expect(res.status).toBe(200);
    const voided = res.body.Invoice as Json;
    expect(voided.TotalAmt).toBe(0);
    expect(voided.Balance).toBe(0);
    expect(voided.LinkedTxn).toEqual([]);
    expect(String(voided.PrivateNote)).toMatch(/^Voided/);
    expect((voided.Line as Json[]).every((l) => l.Amount === 0)).toBe(true);
    const paymentAfter = h.sim.data.get('Payment', paymentId) as Json;
    expect(new Decimal(String(paymentAfter.UnappliedAmt)).toString()).toBe(new Decimal(String(paymentBefore.UnappliedAmt)).plus(String(line.Amount)).toString());
    expect(paymentAfter.TotalAmt).toBe(paymentBefore.TotalAmt);
  });

  it('deletes an invoice: the response is a Deleted stub and reads then fail with 610', async () => {
    const h = harness(server);
    const inv = h.sim.data.list('Invoice')[2] as Json;
    const res = await post(h, 'invoice', { Id: inv.Id, SyncToken: inv.SyncToken }, { operation: 'delete' });
    expect(res.status).toBe(200);
    expect(res.body.Invoice).toEqual({ status: 'Deleted', domain: 'QBO', Id: inv.Id });
    const read = await h.api(`invoice/${String(inv.Id)}`);
    expect(read.status).toBe(400);
    expect(h.sim.data.deleted('Invoice')).toEqual([inv.Id]);
  });

  it('replays a write with the same requestid instead of applying it twice', async () => {
    const h = harness(server);
    const inv = h.sim.data.get('Invoice', '13') as Json;
    const body = { Id: '13', SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'once' };
    const first = await post(h, 'invoice', body, { requestid: 'req-1' });
    const second = await post(h, 'invoice', body, { requestid: 'req-1' });
    expect(second).toEqual(first);
    expect((h.sim.data.get('Invoice', '13') as Json).SyncToken).toBe(String(Number(inv.SyncToken) + 1));
  });

  it('creates an invoice and records a payment against it, keeping Balance consistent', async () => {
    const h = harness(server);
    const customer = h.sim.data.list('Customer').find((c) => c.Active === true) as Json;
    const created = await post(h, 'invoice', {
      CustomerRef: { value: customer.Id },
      Line: [{ Amount: 100.5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, UnitPrice: 50.25, Qty: 2 } }],
    });
    expect(created.status).toBe(200);
    const inv = created.body.Invoice as Json;
    expect(inv.TotalAmt).toBe(120.6);
    expect(inv.Balance).toBe(120.6);
    const pay = await post(h, 'payment', {
      CustomerRef: { value: customer.Id },
      TotalAmt: 20.6,
      Line: [{ Amount: 20.6, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    });
    expect(pay.status).toBe(200);
    const after = h.sim.data.get('Invoice', String(inv.Id)) as Json;
    expect(after.Balance).toBe(100);
    expect(after.LinkedTxn).toEqual([{ TxnId: (pay.body.Payment as Json).Id, TxnType: 'Payment' }]);
    const tooMuch = await post(h, 'payment', { CustomerRef: { value: customer.Id }, TotalAmt: 500, Line: [{ Amount: 500, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }] });
    expect(tooMuch.status).toBe(400);
  });
});
