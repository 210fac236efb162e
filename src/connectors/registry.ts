// The connectors known to this process, passed in at start-up so src/ never imports a concrete one.
import type { Connector } from './types.js';

export class UnknownProvider extends Error {
  override name = 'UnknownProvider';
}

export class ConnectorRegistry {
  readonly #byProvider = new Map<string, Connector>();

  constructor(connectors: readonly Connector[] = []) {
    for (const c of connectors) this.register(c);
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
}
