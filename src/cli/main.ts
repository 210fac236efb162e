// The `relance` command line: dispatches sub-commands and turns errors into clear messages and exit codes.
import { ConfigError, loadConfig } from '../config.js';
import type { SimulatorLoaders } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import type { WorkerModule } from './context.js';
import { commands, usage } from './commands.js';
import { UsageError } from './errors.js';
import { loadRateOverrides } from '../rules/rate-overrides.js';
import type { AddedRates } from '../rules/rate-tables.js';

export { UsageError } from './errors.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[], deps: { connectors?: readonly Connector[]; simulators?: SimulatorLoaders; workers?: WorkerModule } = {}): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = commands[name === '--help' || name === '-h' ? 'help' : name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: relance ${name} ${command.args}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    // Rates published after this build (a JSON file the operator keeps), parsed once: every command computes with them.
    let addedRates: AddedRates;
    try {
      addedRates = loadRateOverrides(process.env['RATES_FILE'] || undefined);
    } catch (err) {
      throw new ConfigError([`RATES_FILE=${JSON.stringify(process.env['RATES_FILE'])}: ${err instanceof Error ? err.message : String(err)}`]);
    }
    const config = command.needsConfig === false ? null : loadConfig();
    return await command.run(rest, { config, connectors: deps.connectors ?? [], simulators: deps.simulators ?? {}, ...(deps.workers ? { workers: deps.workers } : {}), addedRates, stdin: readStdin });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\nUsage: relance ${name} ${command.args}\n`);
      return 2;
    }
    process.stderr.write(`relance ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
