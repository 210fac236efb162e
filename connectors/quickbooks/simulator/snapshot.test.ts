// Snapshot and restore: a demo company and its OAuth grants survive a process restart (JSON round trip).
import { describe, expect, it } from 'vitest';
import { createQuickBooksSimulator } from './index.js';
import { T0, useMsw } from './test-helpers.js';

const server = useMsw();

describe('snapshot/restore', () => {
  it('restores data changes, deletions and tokens into a fresh simulator built from the same seed', async () => {
    const clock = () => new Date(T0);
    const a = createQuickBooksSimulator({ seed: 3, invoices: 30, clock });
    const { accessToken, refreshToken } = a.oauth.connect();
    const [first, second] = a.data.list('Invoice');
    a.data.update('Invoice', String(first!['Id']), { DueDate: '2027-02-01' });
    a.data.remove('Invoice', String(second!['Id']));
    const json = JSON.parse(JSON.stringify(a.snapshot()));

    const b = createQuickBooksSimulator({ seed: 3, invoices: 30, clock });
    b.restore(json);
    expect(b.data.get('Invoice', String(first!['Id']))!['DueDate']).toBe('2027-02-01');
    expect(b.data.get('Invoice', String(second!['Id']))).toBeUndefined();
    expect(b.data.deleted('Invoice')).toContain(String(second!['Id']));
    expect(b.data.count('Invoice')).toBe(a.data.count('Invoice'));

    server.use(...b.handlers);
    const res = await fetch(`${b.baseUrls.api}/v3/company/${b.realmId}/invoice/${String(first!['Id'])}?minorversion=75`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' } });
    expect(res.status).toBe(200);
    const refreshed = await fetch(b.baseUrls.token, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${b.clientId}:${b.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const c = createQuickBooksSimulator({ seed: 3, invoices: 30, clock, realmId: '123' });
    expect(() => c.restore(json)).toThrow(/cannot restore/);
  });
});
