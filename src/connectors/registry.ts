// The connectors known to this process, passed in at start-up so src/ never imports a concrete one.
import type { SimulatorFactory } from '../simulator/types.js';
import type { Connector } from './types.js';

/** Each provider's simulator module, loaded on first use (demo companies, `relance simulate`). */
export type SimulatorLoaders = Readonly<Record<string, () => Promise<SimulatorFactory>>>;

export class UnknownProvider extends Error {
  override name = 'UnknownProvider';
}

export class ConnectorRegistry {
  readonly #byProvider = new Map<string, Connector>();

  readonly #simulators: SimulatorLoaders;

  constructor(connectors: readonly Connector[] = [], simulators: SimulatorLoaders = {}) {
    for (const c of connectors) this.register(c);
    this.#simulators = simulators;
  }

  register(connector: Connector): void {
    if (this.#byProvider.has(connector.provider)) throw new Error(`connector "${connector.provider}" registered twice`);
    this.#byProvider.set(connector.provider, connector);
  }

  get(provider: string): Connector {
    const connector = this.#byProvider.get(provider);
    if (!connector) throw new UnknownProvider(`Unknown provider "${provider}". Known: ${this.providers().join(', ') || 'none'}.`);
    return connector;
  }

  has(provider: string): boolean {
    return this.#byProvider.has(provider);
  }

  providers(): string[] {
    return [...this.#byProvider.keys()].sort();
  }

  /** The providers that have a simulator (a demo company) in this build. */
  simulated(): string[] {
    return this.providers().filter((p) => p in this.#simulators);
  }

  /** The provider's simulator: the same one serves demo companies, `relance simulate`, tests and benchmarks. */
  async simulator(provider: string): Promise<SimulatorFactory> {
    const load = Object.hasOwn(this.#simulators, provider) ? this.#simulators[provider] : undefined;
    if (!load) throw new UnknownProvider(`No simulator for "${provider}" in this build. Simulated: ${this.simulated().join(', ') || 'none'}.`);
    return load();
  }
}
