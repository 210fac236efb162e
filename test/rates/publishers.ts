// The publisher simulators for a rates test file: served once, and before each test a clean rates table and a
// simulator back at its first state (its day, no fault, its published values, no request counted).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { serveRatePublishers, SIMULATED_CHANGES, SIMULATED_LEGAL } from '../../src/simulator/rate-publishers.js';
import type { Sql } from '../../src/store/db.js';

export type ServedPublishers = Awaited<ReturnType<typeof serveRatePublishers>>;

export function usePublishers(sql: Sql, today = '2026-06-20'): () => ServedPublishers {
  let sim: ServedPublishers;
  beforeAll(async () => {
    sim = await serveRatePublishers({ today });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await sql`truncate reference_rates, reference_rate_revisions`;
    const { state } = sim.simulator;
    state.today = today;
    state.faults = {};
    state.changes = structuredClone(SIMULATED_CHANGES);
    state.legal = structuredClone(SIMULATED_LEGAL);
    for (const k of Object.keys(state.requests) as (keyof typeof state.requests)[]) state.requests[k] = 0;
  });
  return () => sim;
}
