// What the CLI's commands share: the context each is given, the command shape, and the workers handed in by bin/.
import type { Config } from '../config.js';
import type { SimulatorLoaders } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import type { Handlers } from '../queue/driver.js';
import type { AddedRates } from '../rules/rate-tables.js';
import type { Service } from '../service.js';
import type { Connection } from '../store/tenants.js';

/** What workers/ provides; handed in by bin/relance.mjs so src/ does not import the composition. */
export interface WorkerModule {
  createProcessors(service: Service): Handlers;
  installSchedules(service: Service, done?: Set<string>): Promise<number>;
  scheduleConnections(service: Service, connections: readonly Connection[], done: Set<string>): Promise<number>;
}

/** What every command is given: configuration (null for commands that need none) and the shipped connectors. */
export interface CommandContext {
  config: Config | null;
  connectors: readonly Connector[];
  /** The shipped simulators (demo companies, `relance simulate`). */
  simulators: SimulatorLoaders;
  workers?: WorkerModule;
  /** The operator's RATES_FILE, parsed once before any command runs (src/rules/rate-overrides.ts); every command computes with it. */
  addedRates: AddedRates;
  /** Standard input, read on demand (commands such as `map` take a record on stdin). */
  stdin(): Promise<string>;
}

export interface Command {
  args: string;
  summary: string;
  /** False for commands that work without any configuration (no database, no secrets). */
  needsConfig?: boolean;
  run(args: string[], ctx: CommandContext): Promise<number>;
}
