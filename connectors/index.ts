// The registry: every provider this build ships, its connector and its simulator. The CLI, the workers and the
// edge hand these lists in at start-up, so src/ never imports a concrete provider. A new provider is one line here.
import type { SimulatorLoaders } from '../src/connectors/registry.js';
import type { Connector } from '../src/connectors/types.js';
import { pennylane } from './pennylane/index.js';
import { quickbooks } from './quickbooks/index.js';
import { sage } from './sage/index.js';
import { xero } from './xero/index.js';

const providers: readonly { connector: Connector; simulator: string }[] = [
  { connector: quickbooks, simulator: './quickbooks/simulator/index.js' },
  { connector: xero, simulator: './xero/simulator/index.js' },
  { connector: pennylane, simulator: './pennylane/simulator/index.js' },
  { connector: sage, simulator: './sage/simulator/index.js' },
];

export const connectors: readonly Connector[] = providers.map((p) => p.connector);

/**
 * Each provider's simulator (demo companies, `relance simulate`, tests, benchmarks), loaded on first use. The
 * specifier is computed so that a bundle of the connectors alone (the edge worker) leaves the simulators out.
 */
export const simulators: SimulatorLoaders = Object.fromEntries(
  providers.map((p) => [p.connector.provider, async () => ((await import(new URL(p.simulator, import.meta.url).href)) as { simulator: Awaited<ReturnType<SimulatorLoaders[string]>> }).simulator]),
);
