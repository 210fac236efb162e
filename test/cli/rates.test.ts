// `relance rates --refresh` against the publisher simulators, then `relance penalty` for 2026-H2 through the real binary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateBookFor } from '../../src/demo/rates.js';
import { NO_ADDED_RATES } from '../../src/rules/rate-tables.js';
import { serveRatePublishers } from '../../src/simulator/rate-publishers.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { useIsolatedDatabase } from '../support/db.js';

const { sql, url } = useIsolatedDatabase();
let sim: Awaited<ReturnType<typeof serveRatePublishers>>;
beforeAll(async () => {
  sim = await serveRatePublishers({ today: '2026-12-04' });
});
afterAll(() => sim.close());

describe('relance rates', () => {
  const penalty = ['penalty', '--jurisdiction', 'FR', '--amount', '8161.20', '--currency', 'EUR', '--due', '2026-08-23', '--as-of', '2026-12-04'];

  it('answers the 2026-H2 French penalty to the cent once the simulated ECB has served the MRO in force on 1 July', { timeout: 120_000 }, async () => {
    const env = () => ({ DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-rates-')), LOG_LEVEL: 'warn', ...sim.simulator.env });
    const before = await runCli(penalty, { env: env() });
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/RATE_MISSING\(2026-H2\)/);
    const stale = await runCli(['rates'], { env: env() });
    expect(stale.stdout).toMatch(/No fetched reference rates yet/);
    expect(stale.stdout).toMatch(/STALE ecb_mro 2026-H2/);

    // Without a Webstat key the taux légal is skipped, said on its own line, and stays stale; the refresh is not a failure.
    const noKey: Record<string, string> = { ...env() };
    delete noKey['RATES_BDF_API_KEY'];
    const keyless = await runCli(['rates', '--refresh'], { env: noKey });
    expect(keyless.code, keyless.stderr + keyless.stdout).toBe(0);
    expect(keyless.stdout).toMatch(/fr_legal_other\s+skipped\s+nothing new: RATES_BDF_API_KEY is not set/);
    expect(keyless.stdout).toMatch(/STALE fr_legal_other 2026-H2/);

    const refreshed = await runCli(['rates', '--refresh'], { env: env() });
    expect(refreshed.code, refreshed.stderr + refreshed.stdout).toBe(0);
    expect(refreshed.stdout).toMatch(/fr_legal_other\s+2026-H2\s+2\.71 %\s+on 2026-07-01 \(published 2026-06-24/);
    expect(refreshed.stdout).toMatch(/ecb_mro\s+2026-H2\s+2\.40 %\s+on 2026-07-01 \(published 2026-06-17/);
    expect(refreshed.stdout).toContain(sim.simulator.env['RATES_ECB_URL']);
    expect(refreshed.stdout).not.toMatch(/STALE/);

    const r = await runCli(penalty, { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { segments: { from: string; to: string; days: number; rate: string; interest: string }[]; interest: string; compensation: string; total: string };
    // By hand: 24 Aug–4 Dec 2026 = 8 + 30 + 31 + 30 + 4 = 103 days, all in H2; rate = MRO on 1 Jul (2.40, simulated) + 10 = 12.40 %;
    // 8,161.20 × 12.40 % × 103 / 365 = 285.5749… → 285.57; plus the €40 (D441-5) → 325.57.
    expect(out.segments.map((s) => [s.from, s.to, s.days, s.rate, s.interest])).toEqual([['2026-08-24', '2026-12-04', 103, '12.40', '285.57']]);
    expect(out.interest).toBe('285.57');
    expect(out.compensation).toBe('40.00');
    expect(out.total).toBe('325.57');
  });

  it('the demo company\'s preview states penalties on its firm reminders and formal notices with no manual step, and stores nothing simulated', { timeout: 120_000 }, async () => {
    // No RATES_* settings and no simulator served: the demo company reads the simulated rates as a value.
    const env = { DATABASE_URL: url, RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-rates-')), LOG_LEVEL: 'warn' };
    const connect = await runCli(['connect', 'quickbooks', '--demo', '--invoices', '120', '--seed', '9', '--port', String(await freePort())], { env });
    expect(connect.code, connect.stderr).toBe(0);
    const id = connect.stdout.trim();
    expect((await runCli(['sync', id], { env })).code).toBe(0);
    type Penalty = { interest: string | null; compensation: string | null; error: string | null; basis: { dueDate: string }; result?: unknown };
    type Preview = { days: { actions: { stepId: string; dueOn: string; penalties: Penalty[] }[] }[] };
    const penalties = async () => {
      // 45 days: a fresh company starts at the first reminder, so its first formal notices come after a month.
      const r = await runCli(['preview', id, '--days', '45', '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as Preview).days.flatMap((d) => d.actions).filter((a) => a.penalties.length > 0);
    };
    await sql`truncate reference_rates`;
    const stated = await penalties();
    expect([...new Set(stated.map((a) => a.stepId))].sort()).toEqual(expect.arrayContaining(['firm', 'formal-notice']));
    const half = (d: string) => `${d.slice(0, 4)}-H${Number(d.slice(5, 7)) <= 6 ? 1 : 2}`;
    const now = half(new Date().toISOString().slice(0, 10));
    let checked = 0;
    for (const a of stated) {
      for (const p of a.penalties) {
        // A message planned in a half-year that has not begun cannot know its rate yet: it waits, and says so.
        if (half(a.dueOn) > now) {
          if (p.error) expect(p.error).toMatch(new RegExp(`^RATE_MISSING\\(${half(a.dueOn)}\\)`));
          continue;
        }
        expect(p.error).toBeNull();
        expect(p.interest).toMatch(/^\d+\.\d{2}$/);
        // A grouped message also lists the customer's invoices not yet due: nothing is owed on those.
        expect(p.compensation, JSON.stringify(p)).toBe(p.basis.dueDate < a.dueOn ? '40.00' : '0.00');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    // Nothing simulated reached the rate table every tenant reads, and a real company still waits for the real rate.
    expect(await sql`select kind, period from reference_rates`).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await rateBookFor(sql, { settings: {} }, today, NO_ADDED_RATES)).ecbMro).toEqual({});
    expect((await rateBookFor(sql, { settings: { demo: { provider: 'quickbooks' } } }, today, NO_ADDED_RATES)).ecbMro?.[now]).toMatch(/^\d+\.\d{2}$/);
  });
});
