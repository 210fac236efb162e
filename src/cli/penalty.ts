// `relance penalty`: statutory late-payment interest and fixed compensation for one invoice, as JSON.
import { runPenaltyCli } from '../rules/late-payment-interest.js';
import { UsageError } from './errors.js';

export async function runPenalty(args: string[]): Promise<number> {
  let result;
  try {
    result = runPenaltyCli(args);
  } catch (err) {
    throw new UsageError((err instanceof Error ? err.message : String(err)).split('\n')[0]!);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
