// Chaos, concurrency (#26 point 4), over every registered connector: four workers, each with its own database pool,
// meet an expired access token at the same moment, round after round, and all refresh the same rotating refresh
// token: the connection must never be lost (one refresh per expiry, no refresh token spent twice). Then two workers
// evaluate the same company at the same moment, day after day: the actions planned must be exactly those of one
// worker alone on an identical company, with no duplicate.
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { connect, type Sql } from '../../src/store/db.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import { sharedClock, simulated, watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, syncDeps, useSimulator } from '../support/providers.js';
import type { OAuthTokens } from '../../src/connectors/types.js';
import { loadCredentials } from '../../src/store/tenants.js';
import { chaosSeed, record, reproduce } from './report.js';

const sql = useDatabase();
const SEED = chaosSeed();
const REFRESH_ROUNDS = Number(process.env['CHAOS_REFRESH_ROUNDS'] ?? 25);
const EVALUATION_DAYS = 30;
const WORKERS = 4;
const pools: Sql[] = Array.from({ length: WORKERS }, () => connect(inject('databaseUrl'), { max: 2 }));
const figures: Record<string, unknown>[] = [];
afterAll(async () => {
  record('concurrency', SEED, figures);
  await Promise.all(pools.map((p) => p.end()));
});

describe.each(simulated)('chaos, concurrency: $provider', ({ provider, connector, factory }) => {
  const { clock, gate, arrived } = sharedClock();
  const { sim, server } = useSimulator(factory.create({ seed: SEED, customers: 20, invoices: 200, creditNotes: 8, payments: 60, clock: clock.date }));
  const s = sim.scenario;
  const traffic = watchTraffic(server, clock.now, (e) => {
    if (e.url.startsWith(sim.baseUrls['api']!)) arrived();
  });
  const workers = pools.map((pool) => syncDeps(pool, { gate }));

  it(`four workers refreshing one rotating token lose no connection; two evaluating one company plan nothing twice (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const c = await connectTo(sql, connector, sim);
    expect((await syncConnection(workers[0]!, c.tenant.id, c.connection.id)).status).toBe('ok');
    const tokenCalls = () => traffic.to(sim.baseUrls['token']!).filter((e) => e.method === 'POST').length;
    const ids = s.openInvoices();
    let lostConnections = 0;
    let refreshes = 0;
    let failedReads = 0;
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      const before = tokenCalls();
      s.expireTokensAfter(0);
      const reports = await Promise.all(workers.map((w, i) => syncRecords(w, c.tenant.id, c.connection.id, { invoices: [ids[(round * WORKERS + i) % ids.length]!] })));
      refreshes += tokenCalls() - before;
      failedReads += reports.filter((r) => r.status !== 'ok').length;
      const [row] = await sql<{ status: string }[]>`select status from connections where id = ${c.connection.id}`;
      if (row!.status !== 'active') {
        lostConnections++;
        break;
      }
    }

    // Encrypted at rest: neither token of the pair the workers ended with is readable in the database.
    const pair = await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, c.tenant.id, c.connection.id);
    const [stored] = await sql<{ credentials: Buffer }[]>`select credentials from connections where id = ${c.connection.id}`;
    const readable = [pair!.accessToken, pair!.refreshToken].filter((tk) => stored!.credentials.toString('latin1').includes(tk) || stored!.credentials.toString('base64').includes(tk)).length;

    // A twin company: the same books, evaluated by one worker alone, is what the two racing workers must plan.
    const twin = await connectTo(sql, connector, sim);
    expect((await syncConnection(workers[1]!, twin.tenant.id, twin.connection.id)).status).toBe('ok');
    expect((await syncConnection(workers[0]!, c.tenant.id, c.connection.id)).status).toBe('ok');
    const start = Date.parse('2026-11-02T08:00:00Z');
    for (let day = 0; day < EVALUATION_DAYS; day++) {
      const now = new Date(start + day * 86_400_000);
      await Promise.all([runEvaluation(pools[2]!, c.tenant.id, c.connection.id, now), runEvaluation(pools[3]!, c.tenant.id, c.connection.id, now)]);
      await runEvaluation(pools[1]!, twin.tenant.id, twin.connection.id, now);
    }
    const planned = async (tenantId: string) =>
      (
        await sql<{ key: string }[]>`
          select concat_ws('|', kind, payload->>'stepId', payload->>'customerExternalId', payload->>'scheduledOn', payload->>'dueOn',
            (select string_agg(l->>'externalId', ',' order by l->>'externalId') from jsonb_array_elements(payload->'invoices') l)) as key
          from outbox where tenant_id = ${tenantId}`
      ).map((r) => r.key);
    const raced = await planned(c.tenant.id);
    const alone = await planned(twin.tenant.id);
    const duplicates = raced.length - new Set(raced).size;
    const missing = alone.filter((k) => !raced.includes(k));
    const extra = raced.filter((k) => !alone.includes(k));

    figures.push({ provider, seed: SEED, refreshRounds: REFRESH_ROUNDS, workers: WORKERS, refreshes, failedReads, lostConnections, tokensReadableAtRest: readable, evaluationDays: EVALUATION_DAYS, actionsPlanned: raced.length, actionsAlone: alone.length, duplicates, missing: missing.length, extra: extra.length });
    const where = reproduce('concurrency', provider, SEED, `missing ${missing.slice(0, 3).join('; ')} extra ${extra.slice(0, 3).join('; ')}`);
    expect({ lostConnections, failedReads, readable }, where).toEqual({ lostConnections: 0, failedReads: 0, readable: 0 });
    // One refresh per expiry: the other three workers found the rotated pair under the lock.
    expect(refreshes, where).toBe(REFRESH_ROUNDS);
    expect(alone.length, 'the company has overdue invoices to chase').toBeGreaterThan(0);
    expect({ duplicates, missing: missing.length, extra: extra.length }, where).toEqual({ duplicates: 0, missing: 0, extra: 0 });
  });
});
