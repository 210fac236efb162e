// `npm run bench -- mapping`: map + validate per record of one provider's invoices, by engine: a shipped mapping on the
// proven JSONata subset, the same text as a tenant override (always JSONata), and JSONata on the shipped text.
import { createQuickBooksSimulator } from '../connectors/quickbooks/simulator/index.js';
import { compileMapping, loadShippedMapping, mapRecord, type CompiledMapping } from '../src/mapping/index.js';
import type { BenchResult } from './run.js';

export async function run({ quick }: { quick: boolean }): Promise<BenchResult> {
  const sim = createQuickBooksSimulator({ seed: 2, invoices: quick ? 2000 : 10_000, customers: 100, payments: 0, creditNotes: 0 });
  const raws = sim.data.list('Invoice');
  const context = { provider: 'quickbooks', homeCurrency: 'EUR' };
  const shipped = loadShippedMapping('quickbooks', 'invoice');
  // A tenant override that changes nothing but its text: what an override costs, whatever it says.
  const override = compileMapping(`${shipped.source}\n`);
  const jsonataOnly: CompiledMapping = { ...shipped, evaluate: shipped.evaluateWithJsonata };
  /** Best of three passes (after a warm-up), in records per second. */
  async function rate(mapping: CompiledMapping): Promise<number> {
    for (const raw of raws.slice(0, 500)) await mapRecord(mapping, 'invoice', raw, context);
    let best = 0;
    for (let pass = 0; pass < 3; pass++) {
      const t0 = performance.now();
      for (const raw of raws) await mapRecord(mapping, 'invoice', raw, context);
      best = Math.max(best, raws.length / ((performance.now() - t0) / 1000));
    }
    return best;
  }
  const shippedPerSec = await rate(shipped);
  const overridePerSec = await rate(override);
  const jsonataPerSec = await rate(jsonataOnly);
  return {
    name: 'mapping.quickbooks.invoice',
    metrics: { records: raws.length, shippedSubsetPerSec: shippedPerSec, overrideJsonataPerSec: overridePerSec, shippedJsonataPerSec: jsonataPerSec, subsetSpeedup: shippedPerSec / jsonataPerSec },
    notes: [`engines: shipped ${shipped.engine}, override ${override.engine}`],
  };
}
