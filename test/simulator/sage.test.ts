// The Sage simulator as Sage's docs describe the API: the $items/$next envelope, inclusive and exclusive change filters, the error array, 429s, OAuth lifetimes and rotation, the v3.1 consent.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_ID, simulator } from '../../connectors/sage/simulator/index.js';
import { useSimulator, virtualClock } from '../support/providers.js';

const clock = virtualClock();
const { sim } = useSimulator(simulator.create({ seed: 3, customers: 8, invoices: 45, creditNotes: 3, payments: 10, clock: clock.date }));
const redirectUri = 'http://127.0.0.1:8787/oauth/sage/callback';

async function tokenFor(code?: string) {
  const c = code ?? new URL(sim.oauth.authorize({ redirectUri, state: 's' })).searchParams.get('code')!;
  const res = await fetch(sim.baseUrls.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: c, redirect_uri: redirectUri, client_id: sim.clientId, client_secret: sim.clientSecret }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const get = async (path: string, token: string, business: string | null = DEFAULT_BUSINESS_ID) => {
  const res = await fetch(`${sim.baseUrls.api}${path}`, { headers: { authorization: `Bearer ${token}`, ...(business ? { 'x-business': business } : {}) } });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => null)) as Record<string, unknown> & unknown[] };
};

describe('the Sage simulator', () => {
  it('answers the token exchange as Sage does: 5-minute access, 31-day rotating refresh, the granting user; a code is single-use', async () => {
    const code = new URL(sim.oauth.authorize({ redirectUri, state: 's' })).searchParams.get('code')!;
    expect(code).toMatch(/^GB\//);
    const first = await tokenFor(code);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'bearer', expires_in: 300, refresh_token_expires_in: 2_678_400, scope: 'full_access', requested_by_id: expect.any(String) });
    expect((await tokenFor(code)).body).toEqual({ error: 'invalid_grant' });
    const refresh = (rt: unknown) => fetch(sim.baseUrls.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(rt), client_id: sim.clientId, client_secret: sim.clientSecret }) });
    const rotated = (await (await refresh(first.body['refresh_token'])).json()) as Record<string, unknown>;
    expect(rotated['refresh_token']).not.toBe(first.body['refresh_token']);
    // The old refresh token died with the rotation.
    expect((await refresh(first.body['refresh_token'])).status).toBe(400);
  });

  it('lets an authorization code live 60 seconds', async () => {
    const code = new URL(sim.oauth.authorize({ redirectUri, state: 's' })).searchParams.get('code')!;
    await clock.sleep(61_000);
    expect((await tokenFor(code)).body).toEqual({ error: 'invalid_grant' });
  });

  it('gives a consent only to apps asking for the v3.1 filter', async () => {
    const url = (filter: string | null) => `${sim.baseUrls.authorize}?response_type=code&client_id=${sim.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&scope=full_access&state=x${filter ? `&filter=${filter}` : ''}`;
    const v31 = await fetch(url('apiv3.1'), { redirect: 'manual' });
    expect(new URL(v31.headers.get('location')!).searchParams.get('code')).toMatch(/^GB\//);
    const v3 = await fetch(url(null), { redirect: 'manual' });
    expect(new URL(v3.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('pages with $items, $total and a $next that keeps the filters; past the end it serves the last page; items are skeletal without attributes', async () => {
    const token = String((await tokenFor()).body['access_token']);
    const first = await get('/sales_invoices?items_per_page=20&status_id=UNPAID', token);
    const body = first.body as unknown as { $total: number; $page: number; $next: string; $back: null; $itemsPerPage: number; $items: Record<string, unknown>[] };
    expect(body.$page).toBe(1);
    expect(body.$back).toBeNull();
    expect(Object.keys(body.$items[0]!).sort()).toEqual(['$path', 'displayed_as', 'id']);
    const next = new URL(body.$next, 'http://x');
    expect(next.pathname).toBe('/sales_invoices');
    expect(next.searchParams.get('status_id')).toBe('UNPAID');
    expect(next.searchParams.get('page')).toBe('2');
    const last = Math.ceil(body.$total / 20);
    const past = (await get(`/sales_invoices?items_per_page=20&status_id=UNPAID&page=${last + 5}`, token)).body as unknown as { $page: number; $next: null };
    expect(past).toMatchObject({ $page: last, $next: null });
    expect((await get('/sales_invoices?items_per_page=201', token)).status).toBe(422);
    expect((await get('/contacts?sort=updated_at', token)).body).toEqual([expect.objectContaining({ $dataCode: 'RecordInvalid' })]);
  });

  it('treats updated_or_created_since as inclusive and deleted_since as exclusive', async () => {
    const token = String((await tokenFor()).body['access_token']);
    const lead = sim.data.business();
    const inv = [...lead.invoices.values()].find((i) => i.voidReason === null)!;
    sim.data.update('invoice', inv.id, { due_date: '2027-01-31' });
    const at = new Date(inv.updatedMs - (inv.updatedMs % 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const changed = (await get(`/sales_invoices?updated_or_created_since=${at}&items_per_page=200`, token)).body as unknown as { $items: { id: string }[] };
    expect(changed.$items.map((i) => i.id)).toContain(inv.id);
    const payment = sim.scenario.deletable('payment');
    sim.data.remove('payment', payment);
    const removedAt = lead.payments.get(payment)!.deletedMs!;
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(((await get(`/contact_payments?deleted_since=${iso(removedAt - 1)}&items_per_page=200`, token)).body as unknown as { $items: { id: string; deleted_at: string }[] }).$items).toEqual([expect.objectContaining({ id: payment, deleted_at: expect.any(String) })]);
    expect(((await get(`/contact_payments?deleted_since=${iso(removedAt)}&items_per_page=200`, token)).body as unknown as { $items: unknown[] }).$items).toEqual([]);
  });

  it('throttles with Sage’s error array and Retry-After, and refuses an expired token with a 401', async () => {
    const token = String((await tokenFor()).body['access_token']);
    sim.faults.throttleNext(1, { retryAfter: 7 });
    const throttled = await get('/contacts', token);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.body).toEqual([{ $severity: 'error', $dataCode: 'TooManyRequests', $message: expect.any(String), $source: '' }]);
    sim.oauth.expireAccessTokens();
    const expired = await get('/contacts', token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual([expect.objectContaining({ $dataCode: 'AuthorizationFailure', $message: 'The access token has expired.' })]);
  });

  it('keeps the user’s businesses apart: each X-Business sees its own books', async () => {
    const token = String((await tokenFor()).body['access_token']);
    const businesses = (await get('/businesses', token, null)).body as unknown as { $items: { id: string }[] };
    expect(businesses.$items.map((b) => b.id)).toEqual(sim.businessIds);
    const totals = await Promise.all(sim.businessIds.map(async (id) => ((await get('/sales_invoices', token, id)).body as unknown as { $total: number }).$total));
    expect(totals).toEqual(sim.businessIds.map((id) => [...sim.data.business(id).invoices.values()].filter((i) => i.deletedMs === null).length));
    expect(totals[0]).not.toBe(totals[1]);
  });
});
