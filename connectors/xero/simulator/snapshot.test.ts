// Snapshot and restore: a demo organisation, its payments/allocations and OAuth grants survive a process restart (JSON round trip).
import { describe, expect, it } from 'vitest';
import { createXeroSimulator } from './index.js';
import { useMsw } from './test-helpers.js';

const server = useMsw();

describe('snapshot/restore', () => {
  it('restores data changes and tokens into a fresh simulator built from the same seed', async () => {
    const a = createXeroSimulator({ seed: 4, invoices: 40 });
    const { accessToken, tenantId } = a.oauth.connect();
    const inv = a.data.list('Invoice').find((i) => i['Type'] === 'ACCREC' && i['Status'] === 'AUTHORISED' && Number(i['AmountPaid']) === 0)!;
    const id = String(inv['InvoiceID']);
    a.data.pay(id, '10.00');
    const json = JSON.parse(JSON.stringify(a.snapshot()));

    const b = createXeroSimulator({ seed: 4, invoices: 40 });
    b.restore(json);
    expect(b.data.get('Invoice', id)!['AmountPaid']).toBe(a.data.get('Invoice', id)!['AmountPaid']);
    expect(b.data.count('Payment')).toBe(a.data.count('Payment'));
    b.data.pay(id, '1.00');
    expect(Number(b.data.get('Invoice', id)!['AmountPaid'])).toBeCloseTo(Number(a.data.get('Invoice', id)!['AmountPaid']) + 1, 2);

    server.use(...b.handlers);
    const res = await fetch(`${b.baseUrls.api}/Invoices/${id}`, { headers: { Authorization: `Bearer ${accessToken}`, 'xero-tenant-id': tenantId, Accept: 'application/json' } });
    expect(res.status).toBe(200);
    const other = createXeroSimulator({ seed: 4, invoices: 40, tenantId: '00000000-0000-4000-a000-000000000000' });
    expect(() => other.restore(json)).toThrow(/cannot restore/);
  });
});
