// A 300-invoice demo company as the product shows it: served by each provider's simulator, synced for real, measured by the
// product's own KPI and risk-segment code. It must look like a real SME's books: mostly paid on time, a past-due share of
// 20–45 % that is mostly 1–30 days late, a few chronic late payers and mostly reliable customers.
import { describe, expect, it } from 'vitest';
import { loadKpiFacts, tenantCurrencies, tenantKpis } from '../../src/kpi/queries.js';
import { Dec, type Invoice } from '../../src/model/index.js';
import { paidOnDates, segmentCustomers } from '../../src/rules/risk.js';
import type { Segment } from '../../src/rules/policy.js';
import { syncConnection } from '../../src/sync/engine.js';
import { sharedClock, simulated, watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();

// Seeds, each on a different day of the year: the company is planned back from the simulator's today, whatever it is.
const CASES = [
  { seed: 1, today: '2026-01-02' },
  { seed: 2, today: '2026-03-31' },
  { seed: 3, today: '2026-07-15' },
  { seed: 4, today: '2026-12-04' },
];

describe.each(simulated)('demo company: $provider', ({ connector, factory }) => {
  describe.each(CASES)('seed $seed on $today', ({ seed, today }) => {
    // The simulator's clock starts at noon UTC on `today` and runs on the rate gate's virtual clock, so quotas hold on both sides.
    const { clock, gate, arrived } = sharedClock();
    const start = clock.now();
    const t0 = Date.parse(`${today}T12:00:00Z`);
    // The size `relance connect --demo` and the Connections page give a 300-invoice demo company.
    const { sim, server } = useSimulator(factory.create({ seed, invoices: 300, customers: 38, creditNotes: 18, clock: () => new Date(t0 + clock.now() - start) }));
    watchTraffic(server, clock.now, (e) => e.url.startsWith(sim.baseUrls['api']!) && arrived());

    it('looks like a real SME: receivables, ages, payment punctuality and risk segments', async () => {
      const c = await connectTo(sql, connector, sim);
      const report = await syncConnection(syncDeps(sql, { gate }), c.tenant.id, c.connection.id);
      expect(report.status, report.error ?? '').toBe('ok');
      const [currency] = await tenantCurrencies(sql, c.tenant.id);
      expect(currency).toBeDefined();
      const { kpis } = await tenantKpis(sql, c.tenant.id, { asOf: today, currency: currency! });
      const facts = await loadKpiFacts(sql, c.tenant.id, { currency: currency! });

      // Past due: 20–45 % of open receivables by amount, and most of it (by amount) 1–30 days late.
      const total = new Dec(kpis.receivables.total);
      const pastDue = new Dec(kpis.receivables.pastDue);
      const share = pastDue.div(total).toNumber();
      const bucket = (key: string) => new Dec(kpis.aging.buckets.find((b) => b.key === key)!.amount);
      const recent = bucket('1-30');
      const figures = `past due ${kpis.receivables.pastDue} of ${kpis.receivables.total}; aging ${kpis.aging.buckets.map((b) => `${b.key}: ${b.amount}`).join(', ')}`;
      expect(share, figures).toBeGreaterThanOrEqual(0.2);
      expect(share, figures).toBeLessThanOrEqual(0.45);
      expect(recent.gt(pastDue.div(2)), figures).toBe(true);

      // Most invoices are paid on time: on or before their due date, among the paid ones.
      const paidOn = paidOnDates(facts.payments);
      const paid = facts.invoices.filter((i) => i.status === 'paid' && paidOn.has(i.externalId));
      const onTime = paid.filter((i) => paidOn.get(i.externalId)! <= i.dueDate);
      expect(paid.length).toBeGreaterThan(100);
      expect(onTime.length / paid.length, `${onTime.length} of ${paid.length} paid on time`).toBeGreaterThan(0.6);

      // Risk segments, by the product's own segmentation: mostly reliable, a few bad payers.
      const byCustomer = new Map<string, Invoice[]>();
      for (const i of facts.invoices) byCustomer.set(i.customerExternalId, [...(byCustomer.get(i.customerExternalId) ?? []), i]);
      const segments = segmentCustomers({ today, invoicesByCustomer: byCustomer, customerIds: facts.customers.map((cu) => cu.externalId), payments: facts.payments });
      const count: Record<Segment, number> = { reliable: 0, watch: 0, bad_payer: 0 };
      for (const a of segments.values()) count[a.segment]++;
      const customers = segments.size;
      const counts = JSON.stringify(count);
      expect(count.reliable, counts).toBeGreaterThan(Math.max(count.watch, count.bad_payer));
      expect(count.reliable, counts).toBeGreaterThan(customers / 2);
      expect(count.bad_payer, counts).toBeGreaterThan(0);
      expect(count.bad_payer, counts).toBeLessThanOrEqual(Math.ceil(customers * 0.2));
    });
  });
});
