// Query endpoint of the QuickBooks simulator: paging, filters, ordering, counts, empty results, errors, reads by id.
import { describe, expect, it } from 'vitest';
import { harness, rows, useMsw, type Json } from './test-helpers.js';

const server = useMsw();
const ids = (list: Json[]) => list.map((r) => String(r.Id));
const updated = (r: Json) => Date.parse(String((r.MetaData as Json).LastUpdatedTime));

describe('QuickBooks simulator query', () => {
  it('pages every invoice exactly once with STARTPOSITION/MAXRESULTS and ORDERBY Id', async () => {
    const h = harness(server, { invoices: 730, customers: 40 });
    const seen: string[] = [];
    for (let start = 1; ; start += 100) {
      const { status, body } = await h.query(`SELECT * FROM Invoice ORDERBY Id STARTPOSITION ${start} MAXRESULTS 100`);
      expect(status).toBe(200);
      const page = rows(body, 'Invoice');
      if (!page.length) {
        expect(body.QueryResponse).toEqual({});
        break;
      }
      const qr = body.QueryResponse as Json;
      expect(qr.startPosition).toBe(start);
      expect(qr.maxResults).toBe(page.length);
      seen.push(...ids(page));
      if (page.length < 100) break;
    }
    expect(seen.length).toBe(h.sim.data.count('Invoice'));
    expect(new Set(seen).size).toBe(seen.length);
    const nums = seen.map(Number);
    expect(nums).toEqual([...nums].sort((a, b) => a - b));
  });

  it('caps MAXRESULTS at 1000 and counts with COUNT(*)', async () => {
    const h = harness(server, { invoices: 1300, customers: 40 });
    const { body } = await h.query('SELECT * FROM Invoice ORDERBY Id MAXRESULTS 5000');
    expect(rows(body, 'Invoice').length).toBe(1000);
    const count = await h.query('SELECT COUNT(*) FROM Invoice');
    expect(count.body.QueryResponse).toEqual({ totalCount: h.sim.data.count('Invoice') });
    expect(typeof count.body.time).toBe('string');
  });

  it('filters on MetaData.LastUpdatedTime (>, >=, <) and orders by it', async () => {
    const h = harness(server);
    const all = h.sim.data.list('Invoice');
    const times = all.map(updated).sort((a, b) => a - b);
    const pivot = times[Math.floor(times.length / 2)] as number;
    const iso = new Date(pivot).toISOString().replace('Z', '+00:00');
    const expected = (pred: (t: number) => boolean) => all.filter((r) => pred(updated(r))).length;

    const gt = await h.query(`SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '${iso}' ORDERBY MetaData.LastUpdatedTime MAXRESULTS 1000`);
    const gtRows = rows(gt.body, 'Invoice');
    expect(gtRows.length).toBe(expected((t) => t > pivot));
    expect(gtRows.every((r) => updated(r) > pivot)).toBe(true);
    const gtTimes = gtRows.map(updated);
    expect(gtTimes).toEqual([...gtTimes].sort((a, b) => a - b));

    const ge = await h.query(`SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '${iso}' MAXRESULTS 1000`);
    expect(rows(ge.body, 'Invoice').length).toBe(expected((t) => t >= pivot));
    const lt = await h.query(`SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime < '${iso}' ORDERBY MetaData.LastUpdatedTime DESC MAXRESULTS 1000`);
    const ltTimes = rows(lt.body, 'Invoice').map(updated);
    expect(ltTimes.length).toBe(expected((t) => t < pivot));
    expect(ltTimes).toEqual([...ltTimes].sort((a, b) => b - a));
  });

  it('supports Id = and Id IN, AND-combined with other filters', async () => {
    const h = harness(server);
    const one = await h.query("SELECT * FROM Invoice WHERE Id = '3'");
    expect(ids(rows(one.body, 'Invoice'))).toEqual(h.sim.data.get('Invoice', '3') ? ['3'] : []);
    const invoiceIds = ids(h.sim.data.list('Invoice')).slice(0, 3);
    const some = await h.query(`SELECT * FROM Invoice WHERE Id IN (${invoiceIds.map((i) => `'${i}'`).join(',')}) ORDERBY Id`);
    expect(ids(rows(some.body, 'Invoice'))).toEqual(invoiceIds);
    const open = h.sim.data.list('Invoice').filter((r) => Number(r.Balance) > 0);
    const target = open[0] as Json;
    const combined = await h.query(`SELECT * FROM Invoice WHERE Id IN ('${String(target.Id)}','${invoiceIds[0]}') AND Balance > '0'`);
    const expectedIds = [String(target.Id), invoiceIds[0]].filter((id) => Number(h.sim.data.get('Invoice', id as string)?.Balance) > 0);
    expect(new Set(ids(rows(combined.body, 'Invoice')))).toEqual(new Set(expectedIds));
  });

  it('hides inactive customers unless the query filters on Active', async () => {
    const h = harness(server, { customers: 50 });
    const all = h.sim.data.list('Customer');
    const inactive = all.filter((c) => c.Active === false);
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((c) => String(c.DisplayName).endsWith(' (deleted)'))).toBe(true);
    const def = await h.query('SELECT * FROM Customer MAXRESULTS 1000');
    expect(rows(def.body, 'Customer').length).toBe(all.length - inactive.length);
    const both = await h.query('SELECT * FROM Customer WHERE Active IN (true,false) MAXRESULTS 1000');
    expect(rows(both.body, 'Customer').length).toBe(all.length);
    const onlyInactive = await h.query('SELECT * FROM Customer WHERE Active = false');
    expect(ids(rows(onlyInactive.body, 'Customer')).sort()).toEqual(ids(inactive).sort());
  });

  it('answers an empty result as {"QueryResponse":{}} and returns CreditMemo and Payment lists', async () => {
    const h = harness(server);
    const none = await h.query("SELECT * FROM Invoice WHERE Id = '999999'");
    expect(none.status).toBe(200);
    expect(none.body.QueryResponse).toEqual({});
    const cms = await h.query('SELECT * FROM CreditMemo ORDERBY Id');
    expect(rows(cms.body, 'CreditMemo').length).toBe(h.sim.data.count('CreditMemo'));
    const pays = await h.query('SELECT * FROM Payment ORDERBY Id MAXRESULTS 1000');
    expect(rows(pays.body, 'Payment').length).toBe(h.sim.data.count('Payment'));
  });

  it('rejects unparseable queries and unknown properties with ValidationFault bodies', async () => {
    const h = harness(server);
    const bad = await h.query('SELECT FROM Invoice');
    expect(bad.status).toBe(400);
    const fault = bad.body.Fault as { Error: Json[]; type: string };
    expect(fault.type).toBe('ValidationFault');
    expect(fault.Error[0]).toMatchObject({ code: '4000', Message: 'Error parsing query' });
    expect(String(fault.Error[0]?.Detail)).toContain('QueryParserError');
    expect(typeof bad.body.time).toBe('string');

    const prop = await h.query("SELECT * FROM Invoice WHERE Colour = 'red'");
    expect(prop.status).toBe(400);
    expect((prop.body.Fault as { Error: Json[] }).Error[0]?.code).toBe('4001');
    const or = await h.query("SELECT * FROM Invoice WHERE Id = '1' OR Id = '2'");
    expect(or.status).toBe(400);
  });

  it('reads one entity by id and answers 610 Object Not Found for unknown ids', async () => {
    const h = harness(server);
    for (const entity of ['invoice', 'customer', 'creditmemo', 'payment']) {
      const id = String((h.sim.data.list(entity)[0] as Json).Id);
      const res = await h.api(`${entity}/${id}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      const key = Object.keys(body).find((k) => k !== 'time') as string;
      expect((body[key] as Json).Id).toBe(id);
    }
    const missing = await h.api('invoice/987654');
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as { Fault: { Error: Json[]; type: string } };
    expect(body.Fault.type).toBe('ValidationFault');
    expect(body.Fault.Error[0]).toMatchObject({ code: '610', Message: 'Object Not Found' });
  });

  it('records minorversion use, including calls without it', async () => {
    const h = harness(server);
    await h.api('invoice/1');
    await h.api('invoice/1', { minorversion: null });
    await h.api('invoice/1', { minorversion: '65' });
    expect(h.sim.stats.minorVersions).toEqual({ '75': 1, none: 1, '65': 1 });
    expect(h.sim.stats.byRoute['GET /invoice/:id']).toBe(3);
  });
});

describe('QuickBooks simulator preferences', () => {
  it('answers GET /preferences with the home currency, as a single-currency company', async () => {
    for (const [homeCurrency, expected] of [[undefined, 'EUR'], ['USD', 'USD']] as const) {
      const h = harness(server, homeCurrency ? { homeCurrency } : {});
      const res = await h.api('preferences');
      expect(res.status).toBe(200);
      const prefs = ((await res.json()) as { Preferences: { CurrencyPrefs: unknown; Id: string } }).Preferences;
      expect(prefs.CurrencyPrefs).toEqual({ MultiCurrencyEnabled: false, HomeCurrency: { value: expected } });
      expect(prefs.Id).toBe('1');
    }
  });
});
