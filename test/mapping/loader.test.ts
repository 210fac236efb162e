// Loader: syntax errors with positions, failures reported at the output path, skips, batches, override validation.
import { describe, expect, it } from 'vitest';
import {
  MappingSyntaxError, compileMapping, formatPath, loadShippedMapping, mapBatch, mapRecord, mapRecordNow, validateOverride,
} from '../../src/mapping/index.js';
import { record, records } from './realdata.js';

const QBO = { provider: 'quickbooks', homeCurrency: 'USD' };

function failureOf(r: { ok: unknown; error?: { path: string; reason: string } }) {
  if (r.ok !== false || !r.error) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('compileMapping', () => {
  it('throws MappingSyntaxError with the position of the problem', () => {
    const source = '{ "externalId": Id, "total": $amount(TotalAmt, "EUR" }';
    let caught: unknown;
    try {
      compileMapping(source);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MappingSyntaxError);
    const e = caught as MappingSyntaxError;
    expect(e.position).toBeGreaterThan(source.indexOf('"EUR"'));
    expect(e.message).toMatch(/does not compile at character \d+/);
  });

  it('caches shipped mappings', () => {
    expect(loadShippedMapping('xero', 'invoice')).toBe(loadShippedMapping('xero', 'invoice'));
    expect(() => loadShippedMapping('nope', 'invoice')).toThrow(/mappings\/nope\/invoice.jsonata/);
  });

  it('formats paths the way operators read them', () => {
    expect(formatPath(['lines', 0, 'amount'])).toBe('lines[0].amount');
    expect(formatPath([])).toBe('(record)');
  });
});

describe('malformed records fail at the right path', () => {
  const qboInvoice = () => record('fixtures', 'quickbooks', 'invoice', 'Id', '1101');
  const m = () => loadShippedMapping('quickbooks', 'invoice');

  it('a line amount with float noise → lines[1].amount', async () => {
    const raw = qboInvoice();
    (raw.Line as Record<string, unknown>[])[1]!.Amount = 45.505;
    const e = failureOf(await mapRecord(m(), 'invoice', raw, QBO));
    expect(e.path).toBe('lines[1].amount');
    expect(e.reason).toContain('45.505 has more than 2 decimals for USD');
  });

  it('a non-numeric total → total', async () => {
    const raw = qboInvoice();
    raw.TotalAmt = 'abc';
    const e = failureOf(await mapRecord(m(), 'invoice', raw, QBO));
    expect(e.path).toBe('total');
    expect(e.reason).toContain('not a decimal amount');
  });

  it('a missing customer reference → customerExternalId', async () => {
    const raw = qboInvoice();
    delete raw.CustomerRef;
    expect(failureOf(await mapRecord(m(), 'invoice', raw, QBO)).path).toBe('customerExternalId');
  });

  it('an impossible date → issueDate; a due date before issue → dueDate', async () => {
    const raw = qboInvoice();
    raw.TxnDate = '2026-02-30';
    const e = failureOf(await mapRecord(m(), 'invoice', raw, QBO));
    expect([e.path, e.reason]).toEqual(['issueDate', '"2026-02-30" is not a date written YYYY-MM-DD']);
    const early = qboInvoice();
    early.DueDate = '2026-01-01';
    expect(failureOf(await mapRecord(m(), 'invoice', early, QBO)).path).toBe('dueDate');
  });

  it('a Xero payment amount on the wrong scale → allocations[0].amount is reported after amount', async () => {
    const raw = record('fixtures', 'xero', 'payment', 'PaymentID', '479bcc40-788b-44f6-83b9-e9a1d801f482');
    raw.Amount = 46.005;
    const e = failureOf(await mapRecord(loadShippedMapping('xero', 'payment'), 'payment', raw, { homeCurrency: 'USD' }));
    expect(e.path).toBe('amount');
    expect(e.reason).toContain('allocations[0].amount');
  });

  it('a Xero date that is not a date → issueDate', async () => {
    const raw = record('fixtures', 'xero', 'invoice', 'InvoiceID', '49d9beef-9ba2-47f5-8480-15e8e461015b');
    raw.DateString = 'soon';
    const e = failureOf(await mapRecord(loadShippedMapping('xero', 'invoice'), 'invoice', raw, {}));
    expect(e.path).toBe('issueDate');
    expect(e.reason).toContain('"soon" is not a Microsoft JSON date');
  });

  it('a JSONata runtime error becomes ok:false at (mapping) with the character position', async () => {
    const bad = compileMapping('{ "externalId": Id, "total": $number("x") + 1 }');
    const e = failureOf(await mapRecord(bad, 'invoice', { Id: '1' }, {}));
    expect(e.path).toBe('(mapping)');
    expect(e.reason).toMatch(/mapping failed: .*character \d+/);
  });

  it('a mapping that returns an array or a scalar is refused; one that returns nothing is a skip', async () => {
    expect(failureOf(await mapRecord(compileMapping('[1, 2]'), 'customer', {}, {})).reason).toContain('array');
    expect(failureOf(await mapRecord(compileMapping('"x"'), 'customer', {}, {})).reason).toContain('string');
    expect((await mapRecord(compileMapping('Missing'), 'customer', {}, {})).ok).toBe('skipped');
  });
});

describe('mapRecordNow (the sync\'s path)', () => {
  const qboInvoice = () => record('fixtures', 'quickbooks', 'invoice', 'Id', '1101');

  it('answers at once on the subset, through a promise when JSONata must decide, and as mapRecord does either way', async () => {
    const shipped = loadShippedMapping('quickbooks', 'invoice');
    expect(shipped.engine).toBe('js');
    const now = mapRecordNow(shipped, 'invoice', qboInvoice(), QBO);
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toEqual(await mapRecord(shipped, 'invoice', qboInvoice(), QBO));
    // A note that is not text: the subset hands the record to JSONata, whose error names the mapping's character.
    const odd = { ...qboInvoice(), TotalAmt: 0, Balance: 0, PrivateNote: 7 };
    const before = shipped.stats.fallbacks;
    const later = mapRecordNow(shipped, 'invoice', odd, QBO);
    expect(later).toBeInstanceOf(Promise);
    expect(shipped.stats.fallbacks).toBe(before + 1);
    const answer = await later;
    expect(answer).toEqual(await mapRecord(shipped, 'invoice', odd, QBO));
    expect(failureOf(answer).path).toBe('(mapping)');
    // A tenant's text always runs on JSONata.
    const override = compileMapping(shipped.source);
    const viaJsonata = mapRecordNow(override, 'invoice', qboInvoice(), QBO);
    expect(viaJsonata).toBeInstanceOf(Promise);
    expect(await viaJsonata).toEqual(now);
  });
});

describe('mapBatch', () => {
  it('keeps order and outcome per record, and maps 10k QBO invoices (throughput printed)', async () => {
    const raws = records('fixtures', 'quickbooks', 'invoice');
    const broken = { ...raws[0]!, TotalAmt: 'n/a' };
    const batch = Array.from({ length: 10_000 }, (_, i) => (i === 7 ? broken : raws[i % raws.length]!));
    const started = performance.now();
    const results = await mapBatch(loadShippedMapping('quickbooks', 'invoice'), 'invoice', batch, QBO);
    const ms = performance.now() - started;
    console.log(`mapBatch: 10000 QBO invoices in ${ms.toFixed(0)} ms (${Math.round(10_000 / (ms / 1000))} records/s)`);
    expect(results).toHaveLength(10_000);
    expect(results.filter((r) => r.ok !== true).map((_, i) => i)).toHaveLength(1);
    expect(failureOf(results[7]!).path).toBe('total');
    const r8 = results[8]!;
    expect(r8.ok === true && r8.value.externalId).toBe(raws[8 % raws.length]!.Id);
  });
});

describe('validateOverride', () => {
  const samples = () => records('fixtures', 'quickbooks', 'invoice').slice(0, 5);
  const firstId = () => samples()[0]!.Id as string;
  const shippedSource = () => loadShippedMapping('quickbooks', 'invoice').source;

  it('accepts an override that maps every sample', async () => {
    const source = shippedSource().replace('"number": DocNumber', '"number": "QB-" & DocNumber');
    const check = await validateOverride('quickbooks', 'invoice', source, samples(), { homeCurrency: 'USD' });
    expect(check).toEqual({ ok: true, failures: [] });
  });

  it('refuses an override that breaks a sample, naming the sample and path', async () => {
    const source = shippedSource().replace('"customerExternalId": CustomerRef.value', `"customerExternalId": Id = "${firstId()}" ? "" : CustomerRef.value`);
    const check = await validateOverride('quickbooks', 'invoice', source, samples(), { homeCurrency: 'USD' });
    expect(check.ok).toBe(false);
    expect(check.failures).toEqual([{ index: 0, path: 'customerExternalId', reason: 'must be a non-empty id' }]);
  });

  it('refuses an override that does not compile', async () => {
    const check = await validateOverride('quickbooks', 'invoice', '{ "a": ', samples(), {});
    expect(check.ok).toBe(false);
    expect(check.failures[0]!.path).toBe('(mapping)');
  });

  it('refuses an override that silently skips records the shipped mapping keeps', async () => {
    const check = await validateOverride('quickbooks', 'invoice', `Id = "${firstId()}" ? {"$skip": "no"} : (${shippedSource()})`, samples(), { homeCurrency: 'USD' });
    expect(check.ok).toBe(false);
    expect(check.failures.map((f) => f.index)).toEqual([0]);
  });
});
