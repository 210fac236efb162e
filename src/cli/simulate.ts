// `relance simulate <provider> --port P --seed S --invoices N`: a provider simulator as a real HTTP server, until Ctrl-C.
import { ConnectorRegistry, type SimulatorLoaders } from '../connectors/registry.js';
import { intOption, parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runSimulate(args: string[], simulators: SimulatorLoaders): Promise<number> {
  const parsed = parseArgs(args, { values: ['port', 'seed', 'invoices', 'customers', 'payments', 'credit-notes', 'latency'], flags: ['no-quota'] });
  const [provider, extra] = parsed.positional;
  const registry = new ConnectorRegistry([], simulators);
  const known = Object.keys(simulators).sort().join(', ') || 'none';
  if (!provider || extra) throw new UsageError(`name one provider: ${known}`);
  if (!Object.hasOwn(simulators, provider)) throw new UsageError(`no simulator for "${provider}"; simulated providers: ${known}`);
  const factory = await registry.simulator(provider);
  const invoices = intOption(parsed, 'invoices', 200, 0);
  const served = await factory.serve({
    port: intOption(parsed, 'port', 0, 0),
    seed: intOption(parsed, 'seed', 1, 0),
    invoices,
    ...(parsed.values.has('customers') ? { customers: intOption(parsed, 'customers', 25, 1) } : {}),
    ...(parsed.values.has('payments') ? { payments: intOption(parsed, 'payments', 0, 0) } : {}),
    ...(parsed.values.has('credit-notes') ? { creditNotes: intOption(parsed, 'credit-notes', 0, 0) } : {}),
  });
  served.simulator.faults.latencyMs = intOption(parsed, 'latency', 0, 0);
  // For benchmarks of the client alone: every documented quota lifted (the simulator still answers as the API does).
  if (parsed.flags.has('no-quota')) served.simulator.liftQuotas();
  process.stdout.write(`${served.url}\n`);
  process.stderr.write(
    `Simulated ${provider} company ${served.simulator.externalTenantId} with ${invoices} invoices.\n` +
      `Endpoints: ${JSON.stringify(served.simulator.baseUrls)}\nOAuth client: ${served.simulator.clientId} / ${served.simulator.clientSecret}\nCtrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await served.close();
  return 0;
}
