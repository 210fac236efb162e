// Demo companies: a provider simulator served on a loopback port, its state saved under RELANCE_HOME so it survives restarts.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { OAuthClientConfig } from '../connectors/types.js';
import type { Connection } from '../store/tenants.js';

/** Kept in `connections.settings.demo`: how to rebuild the same company. */
export interface DemoSettings {
  provider: string;
  seed: number;
  customers: number;
  invoices: number;
  /** At most this many payments; unset: as the seeded customers' habits make them. */
  payments?: number;
  creditNotes: number;
  port: number;
}

/** Where the demo's simulator comes from: the registry the entry point built. */
export type SimulatorSource = Pick<ConnectorRegistry, 'simulator'>;

export interface DemoHost {
  url: string;
  app: { clientId: string; clientSecret: string; webhookSecret: string | null; endpoints: NonNullable<OAuthClientConfig['endpoints']> };
  /** Saves the company's state, then stops serving it (only if this process started it). */
  close(): Promise<void>;
}

/** A stable default port per provider name (in the 100 ports from `from`), so demo companies are found again after a restart. */
export function defaultDemoPort(provider: string, from = 54400): number {
  let h = 0;
  for (const ch of provider) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return from + (h % 100);
}

async function answering(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

const stateFile = (home: string, d: DemoSettings) => join(home, 'demo', `${d.provider}-${d.seed}-${d.port}.json`);

/**
 * Serves the demo company of `settings` unless another Relance process already does (same port answering),
 * restoring the last saved state. Several processes (connect, sync, start) can take turns.
 */
export async function hostDemo(home: string, settings: DemoSettings, source: SimulatorSource, log: (line: string) => void = () => undefined): Promise<DemoHost> {
  const factory = await source.simulator(settings.provider);
  const origin = `http://127.0.0.1:${settings.port}`;
  const file = stateFile(home, settings);
  if (await answering(origin)) {
    let saved: DemoHost['app'];
    try {
      saved = JSON.parse(readFileSync(`${file}.app`, 'utf8')) as DemoHost['app'];
    } catch {
      throw new Error(`port ${settings.port} is taken by something that is not this Relance home's demo ${settings.provider} company; free the port or reconnect the demo with --port`);
    }
    return { url: origin, app: saved, close: async () => undefined };
  }
  const served = await factory.serve({ port: settings.port, seed: settings.seed, customers: settings.customers, invoices: settings.invoices, ...(settings.payments === undefined ? {} : { payments: settings.payments }), creditNotes: settings.creditNotes });
  const sim = served.simulator;
  try {
    sim.restore(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`Demo ${settings.provider}: saved state unreadable (${String(err)}); starting from the seed.`);
  }
  const app: DemoHost['app'] = {
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    webhookSecret: sim.webhookSecret,
    endpoints: sim.baseUrls as DemoHost['app']['endpoints'],
  };
  mkdirSync(join(home, 'demo'), { recursive: true });
  writeFileSync(`${file}.app`, JSON.stringify(app));
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(sim.snapshot()));
    renameSync(`${file}.tmp`, file);
  };
  // Saved periodically too, so a killed process loses at most a few seconds of demo activity.
  const timer = setInterval(save, 5000);
  timer.unref();
  return {
    url: served.url,
    app,
    async close() {
      clearInterval(timer);
      save();
      await served.close();
    },
  };
}

export function demoSettingsOf(connection: Pick<Connection, 'settings'>): DemoSettings | null {
  const demo = connection.settings['demo'];
  return demo && typeof demo === 'object' && 'provider' in demo ? (demo as DemoSettings) : null;
}

/** Hosts every demo company among `connections` (once per port); returns a closer for all of them. */
export async function hostDemosFor(home: string, connections: readonly Pick<Connection, 'settings'>[], source: SimulatorSource, log?: (line: string) => void): Promise<() => Promise<void>> {
  const hosts = new DemoHosts(home, source, log);
  await hosts.adopt(connections);
  return () => hosts.close();
}

/**
 * The demo companies a long-running process serves: those it found at start-up and those connected since (from the
 * pages, the API or another process), adopted as they appear, so a demo connected from the page syncs at once.
 */
export class DemoHosts {
  readonly #hosts = new Map<number, DemoHost>();
  constructor(
    private readonly home: string,
    private readonly source: SimulatorSource,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Serves every demo company among `connections` not served yet; returns how many it started. */
  async adopt(connections: readonly Pick<Connection, 'settings'>[]): Promise<number> {
    let started = 0;
    for (const c of connections) {
      const d = demoSettingsOf(c);
      if (!d || this.#hosts.has(d.port)) continue;
      try {
        this.#hosts.set(d.port, await hostDemo(this.home, d, this.source, this.log));
        started++;
      } catch (err) {
        // One demo company that cannot be served must not stop the service; its syncs fail with the reason.
        this.log(`Demo ${d.provider} company not served: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return started;
  }

  async close(): Promise<void> {
    for (const h of this.#hosts.values()) await h.close();
    this.#hosts.clear();
  }
}
