// `relance simulate-rates`: the rate publishers' simulators on a local port, for the demo; prints the settings that point at them.
import { dateInZone } from '../model/index.js';
import { serveRatePublishers } from '../simulator/rate-publishers.js';
import { intOption, parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runSimulateRates(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['port', 'today'] });
  const today = parsed.values.get('today') ?? dateInZone(new Date(), 'Europe/Paris');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError(`--today "${today}" is not a date written YYYY-MM-DD`);
  const served = await serveRatePublishers({ today, port: intOption(parsed, 'port', 0, 0) });
  for (const [k, v] of Object.entries(served.simulator.env)) process.stdout.write(`export ${k}=${v}\n`);
  process.stderr.write(`Simulated rate publishers on ${served.url} (values after the shipped table are SIMULATED, not real decisions). Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await served.close();
  return 0;
}
