// `relance simulate <provider> --port P --seed S --invoices N`: a provider simulator as a real HTTP server, until Ctrl-C.
import { intOption, parseArgs } from './args.js';
import { UsageError } from './errors.js';

/** The request quotas a simulator may enforce (page sizes, token lifetimes and CDC windows are behaviour, not quota). */
const QUOTA_KEYS = ['perSecond', 'perMinute', 'perDay', 'concurrent', 'appPerMinute'];

export async function runSimulate(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { values: ['port', 'seed', 'invoices', 'customers', 'payments', 'credit-notes', 'latency'], flags: ['no-quota'] });
  const [provider, extra] = parsed.positional;
  if (!provider || extra || !/^[a-z]+$/.test(provider)) throw new UsageError('name one provider (a folder of test/simulators/)');
  const mod = (await import(`../../test/simulators/${provider}/index.js`).catch(() => {
    throw new UsageError(`no simulator for "${provider}" (the simulators are the folders of test/simulators/)`);
  })) as { startSimulatorServer(o: Record<string, unknown>): Promise<{ url: string; close(): Promise<void>; simulator: { faults: { latencyMs: number }; limits: Record<string, unknown>; clientId: string; clientSecret: string; baseUrls: Record<string, string>; externalTenantId: string } }> };
  const invoices = intOption(parsed, 'invoices', 200, 0);
  const served = await mod.startSimulatorServer({
    port: intOption(parsed, 'port', 0, 0),
    seed: intOption(parsed, 'seed', 1, 0),
    invoices,
    ...(parsed.values.has('customers') ? { customers: intOption(parsed, 'customers', 25, 1) } : {}),
    ...(parsed.values.has('payments') ? { payments: intOption(parsed, 'payments', 0, 0) } : {}),
    ...(parsed.values.has('credit-notes') ? { creditNotes: intOption(parsed, 'credit-notes', 0, 0) } : {}),
  });
  served.simulator.faults.latencyMs = intOption(parsed, 'latency', 0, 0);
  // For benchmarks of the client alone: every documented quota lifted (the simulator still answers as the API does).
  if (parsed.flags.has('no-quota')) for (const k of QUOTA_KEYS) if (typeof served.simulator.limits[k] === 'number') served.simulator.limits[k] = Infinity;
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
