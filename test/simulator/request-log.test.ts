// The kit's request log: every request a factory-made simulator receives, in order, without changing its answer.
import { describe, expect, it } from 'vitest';
import { getResponse } from 'msw';
import { createXeroSimulator, simulator as xero } from '../../connectors/xero/simulator/index.js';
import { attachRequestLog } from '../../src/simulator/request-log.js';
import { useSimulator } from '../support/providers.js';

describe('simulator request log', () => {
  const { sim } = useSimulator(xero.create({ seed: 3, customers: 2, invoices: 3 }));

  it('records method and full URL of each request, and the provider still answers', async () => {
    sim.requestLog.clear();
    const url = `${sim.baseUrls['api']}/Invoices?page=2&where=${encodeURIComponent('Type=="ACCREC"')}`;
    const res = await fetch(url, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ Title: 'Unauthorized' });
    await fetch(sim.baseUrls['token']!, { method: 'POST', body: 'grant_type=refresh_token' });
    expect(sim.requestLog.entries).toEqual([
      { method: 'GET', url },
      { method: 'POST', url: sim.baseUrls['token'] },
    ]);
  });

  it('drops the oldest entries past its limit', async () => {
    const small = attachRequestLog(createXeroSimulator({ seed: 3, customers: 1, invoices: 1 }), 2);
    for (const page of [1, 2, 3]) await getResponse(small.handlers, new Request(`${small.baseUrls.api}/Contacts?page=${page}`));
    expect(small.requestLog.entries.map((e) => new URL(e.url).searchParams.get('page'))).toEqual(['2', '3']);
  });
});
