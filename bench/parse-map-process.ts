// One variant of bench `parse-map`, in a process with Relance's node options (a 4 MB young generation): started by
// bench/parse-map.ts with the variant and page count as arguments; prints one JSON line.
import { createQuickBooksSimulator } from '../connectors/quickbooks/simulator/index.js';
import { RecordText, parseDeferringRecords, parseWithSourceText } from '../src/json/source-text.js';
import { loadShippedMapping, mapRecord } from '../src/mapping/loader.js';
import { encodeDocuments, type DocumentRow } from '../src/store/documents.js';

const [variant, pagesArg] = process.argv.slice(2);
if (variant !== 'page' && variant !== 'record') throw new Error('usage: parse-map-process.ts page|record PAGES');
const pages = Number(pagesArg);
const PATH = ['QueryResponse', 'Invoice'];
const sim = createQuickBooksSimulator({ seed: 2, invoices: 1000, customers: 100, payments: 0, creditNotes: 0, limits: { perSecond: Infinity, perMinute: Infinity } });
const text = JSON.stringify({ QueryResponse: { Invoice: sim.data.list('Invoice'), startPosition: 1, maxResults: 1000 }, time: new Date().toISOString() });
const mapping = loadShippedMapping('quickbooks', 'invoice');
const context = { provider: 'quickbooks', homeCurrency: 'EUR' };

let records = 0;
const cpu = process.cpuUsage();
for (let p = 0; p < pages; p++) {
  // A body of its own per page, as a socket gives one.
  const body = Buffer.from(`${text.slice(0, -1)}${' '.repeat(p % 7)}}`);
  const rows: DocumentRow<'invoice'>[] = [];
  if (variant === 'page') {
    // The path before 7 December: the whole page parsed (with its records' source texts), then each record mapped.
    const raws = (parseWithSourceText(body, PATH) as { QueryResponse: { Invoice: object[] } }).QueryResponse.Invoice;
    const outcomes = await Promise.all(raws.map((raw) => mapRecord(mapping, 'invoice', raw, context)));
    outcomes.forEach((o, i) => o.ok === true && rows.push({ record: o.value, raw: raws[i] }));
  } else {
    // QuickBooks full scans now (deferRecords, src/sync/mappers.ts): the body scanned for its records' bounds, the
    // rest parsed, then each record parsed from its bytes and mapped at once, so its tree dies young.
    const held = (parseDeferringRecords(body, PATH) as { QueryResponse: { Invoice: RecordText[] } }).QueryResponse.Invoice;
    for (const r of held) {
      const o = await mapRecord(mapping, 'invoice', r.parse(), context);
      if (o.ok === true) rows.push({ record: o.value, raw: null, rawBytes: r.bytes });
    }
  }
  records += (await encodeDocuments('invoice', rows)).chunks.reduce((a, c) => a + c.count, 0);
}
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ variant, records, cpuS: (used.user + used.system) / 1e6 })}\n`);
