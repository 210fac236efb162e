// `relance penalty`: statutory late-payment interest and fixed compensation for one invoice, as JSON.
import { loadConfig } from '../config.js';
import { runPenaltyCli } from '../rules/late-payment-interest.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { UsageError } from './errors.js';
import { fetchedRatesIfAny } from './rates.js';

export async function runPenalty(args: string[], added: AddedRates): Promise<number> {
  let result;
  // Rates fetched from the publishers (relance rates --refresh, or the running service) when a database holds them.
  let config = null;
  try {
    config = loadConfig();
  } catch {
    config = null;
  }
  const rates = await fetchedRatesIfAny(config);
  try {
    result = runPenaltyCli(args, { rates: { ...rates, added } });
  } catch (err) {
    throw new UsageError((err instanceof Error ? err.message : String(err)).split('\n')[0]!);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
