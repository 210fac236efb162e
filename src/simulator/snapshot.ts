// A simulator's whole state as one JSON document, tagged with the company it belongs to, so a demo company survives restarts.
import { fromGraphJson, toGraphJson } from './graph.js';
import type { OAuthSnapshot } from './oauth.js';

export interface SimulatorSnapshot {
  provider: string;
  /** The company's id at the provider. */
  company: string;
  /** The state object graph (records pointing at each other, Maps, Sets), encoded by toGraphJson. */
  graph: unknown;
}

export function takeSnapshot(provider: string, company: string, state: object): SimulatorSnapshot {
  return { provider, company, graph: toGraphJson(state) };
}

/** The state saved by takeSnapshot, refusing a snapshot of another provider or company (it would corrupt this one). */
export function readSnapshot<T>(snapshot: unknown, provider: string, company: string): T {
  const s = (snapshot ?? {}) as Partial<SimulatorSnapshot>;
  if (s.provider !== provider || s.company !== company) throw new Error(`snapshot of ${String(s.provider)} company ${String(s.company)} cannot restore ${provider} company ${company}`);
  return fromGraphJson<T>(s.graph);
}

/**
 * A simulator's snapshot()/restore() from its two parts: the company's books and its OAuth grants. OAuth is restored
 * first: its part is schema-checked, so a snapshot in an older format fails before the company data changes.
 */
export function persistence(
  provider: string,
  company: string,
  parts: { store: { state(): object; restoreState(state: unknown): void }; oauth: { snapshot(): OAuthSnapshot; restore(snapshot: unknown): void } },
): { snapshot(): SimulatorSnapshot; restore(snapshot: unknown): void } {
  return {
    snapshot: () => takeSnapshot(provider, company, { store: parts.store.state(), oauth: parts.oauth.snapshot() }),
    restore(snapshot) {
      const snap = readSnapshot<{ store: unknown; oauth: OAuthSnapshot }>(snapshot, provider, company);
      parts.oauth.restore(snap.oauth);
      parts.store.restoreState(snap.store);
    },
  };
}
