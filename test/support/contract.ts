// Contract-suite wiring: every registered provider that has a simulator, and the API traffic msw sees, timed on a virtual clock.
import type { setupServer } from 'msw/node';
import { connectors, simulators } from '../../connectors/index.js';
import { createMemoryRateGate, type RateGate } from '../../src/connectors/rate-gate.js';
import type { Connector } from '../../src/connectors/types.js';
import type { ScenarioEntity, SimulatorFactory } from '../../src/simulator/types.js';
import { virtualClock } from './providers.js';

export const ENTITIES: readonly ScenarioEntity[] = ['customer', 'invoice', 'credit_note', 'payment'];

/** Straight from the registry: a provider registered with a simulator gets the whole contract suite. */
export const simulated: readonly { provider: string; connector: Connector; factory: SimulatorFactory }[] = await Promise.all(
  connectors
    .filter((c) => Object.hasOwn(simulators, c.provider))
    .map(async (connector) => ({ provider: connector.provider, connector, factory: await simulators[connector.provider]!() })),
);

/** Real milliseconds a sleeper waits at most for requests still on their way (one whose token refresh failed never arrives). */
const SETTLE_LIMIT_MS = 500;

/**
 * The rate gate and the simulator on one virtual clock, so the provider's documented windows hold on both sides and
 * waiting out a pause costs no wall time. The clock never moves while a request the gate let through is still on
 * its way to the simulator (`arrived` counts them in): were it to jump under them, requests the gate spaced out would
 * reach the simulator's windows all at once.
 */
export function sharedClock(): { clock: ReturnType<typeof virtualClock>; gate: RateGate; arrived(): void } {
  let admitted = 0;
  let arrived = 0;
  const settle = async () => {
    for (const started = Date.now(); arrived < admitted && Date.now() - started < SETTLE_LIMIT_MS; ) await new Promise((r) => setTimeout(r, 1));
  };
  const clock = virtualClock(settle);
  const inner = createMemoryRateGate({ now: clock.now, sleep: clock.sleep });
  const gate: RateGate = {
    ...inner,
    async acquire(key, provider, spec) {
      const release = await inner.acquire(key, provider, spec);
      admitted++;
      return release;
    },
  };
  // A request that never went through the gate (the consent's own calls, e.g. reading the company's name) is not one
  // the clock waits for: counting it would let the clock move on before a gated request has landed.
  return { clock, gate, arrived: () => void (arrived = Math.min(arrived + 1, admitted)) };
}

export interface Exchange {
  method: string;
  url: string;
  authorization: string | null;
  /** Virtual-clock instants. */
  startedAt: number;
  status: number | null;
  retryAfter: string | null;
  answeredAt: number | null;
}

/** Every request the code under test sends to the simulator, with its answer, in the order they started. */
export function watchTraffic(server: ReturnType<typeof setupServer>, now: () => number, onStart: (e: Exchange) => void = () => undefined) {
  const seen: Exchange[] = [];
  const byId = new Map<string, Exchange>();
  server.events.on('request:start', ({ request, requestId }) => {
    const e: Exchange = { method: request.method, url: request.url, authorization: request.headers.get('authorization'), startedAt: now(), status: null, retryAfter: null, answeredAt: null };
    byId.set(requestId, e);
    seen.push(e);
    onStart(e);
  });
  server.events.on('response:mocked', ({ response, requestId }) => {
    const e = byId.get(requestId);
    if (!e) return;
    e.status = response.status;
    e.retryAfter = response.headers.get('retry-after');
    e.answeredAt = now();
  });
  return {
    /** Requests under `base` (the data API, the token endpoint…). */
    to: (base: string) => seen.filter((e) => e.url.startsWith(base)),
    reset() {
      seen.length = 0;
      byId.clear();
    },
  };
}

/** The most requests started within any `spanMs` window. */
export function busiestWindow(starts: readonly number[], spanMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= spanMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
