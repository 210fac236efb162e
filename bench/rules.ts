// Bench: daily rules evaluation over N open invoices in steady state (yesterday's steps already planned), full scan vs incremental.
import type { Customer, Invoice } from '../src/model/index.js';
import { addDays } from '../src/model/index.js';
import { FRENCH_B2B_POLICY, Scheduler, actionKey, calendarFor, evaluate, indexInvoices } from '../src/rules/index.js';
import { createRandom } from '../src/simulator/prng.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export async function benchRules(opts: { invoices: number }): Promise<{ name: string; metrics: Record<string, number> }> {
  const n = opts.invoices;
  const today = '2025-06-16';
  const yesterday = addDays(today, -1);
  const tenantId = 'bench';
  // The shipped policy, its daily cap lifted: a million-invoice company sets its own, and the bench measures the engine.
  const policy = { ...FRENCH_B2B_POLICY, dailyCap: 1_000_000 };
  const rnd = createRandom(42);
  const customerCount = Math.max(1, Math.floor(n / 20));
  const customers = new Map<string, Customer>();
  for (let c = 0; c < customerCount; c++) customers.set(`c${c}`, { externalId: `c${c}`, name: `Customer ${c}`, emails: [], tags: [], active: true });

  // Due dates spread over two years around today: only invoices whose step date is today have something new.
  const invoices: Invoice[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const due = addDays(today, rnd.int(-365, 365));
    const amount = `${rnd.int(10, 20000)}.${String(rnd.int(0, 99)).padStart(2, '0')}`;
    invoices[i] = { externalId: `inv${i}`, number: `F-${i}`, customerExternalId: `c${i % customerCount}`, issueDate: addDays(due, -30), dueDate: due, currency: 'EUR', total: amount, amountDue: amount, status: 'open', lines: [] };
  }

  // Steady state: every step scheduled up to yesterday is already in the outbox (latest due step per invoice).
  const scheduler = new Scheduler(policy, calendarFor(policy.calendar));
  const planned = new Set<string>();
  for (const inv of invoices) {
    const dates = scheduler.dates(inv.dueDate);
    for (let k = dates.length - 1; k >= 0; k--) {
      if ((dates[k] as string) <= yesterday) {
        planned.add(actionKey(tenantId, `inv:${inv.externalId}`, policy.steps[k]?.id ?? '', policy.version));
        break;
      }
    }
  }
  const segments = new Map<string, 'reliable'>();

  let t0 = process.hrtime.bigint();
  const index = indexInvoices(invoices);
  const indexMs = ms(t0);

  t0 = process.hrtime.bigint();
  const full = await evaluate({ tenantId, today, timeZone: 'Europe/Paris', policy, customers, invoices: index, alreadyPlanned: planned, segments });
  const fullMs = ms(t0);

  t0 = process.hrtime.bigint();
  const incremental = await evaluate({ tenantId, today, timeZone: 'Europe/Paris', policy, customers, invoices: index, alreadyPlanned: planned, segments, since: yesterday });
  const incMs = ms(t0);
  if (incremental.length !== full.length) throw new Error(`incremental run planned ${incremental.length} actions, full scan ${full.length}`);

  return {
    name: 'rules.evaluate',
    metrics: {
      invoices: n,
      actionsPlanned: full.length,
      dueTodayShare: Math.round((full.length / n) * 10000) / 10000,
      indexMs: Math.round(indexMs),
      fullScanMs: Math.round(fullMs),
      fullScanInvoicesPerSec: Math.round(n / (fullMs / 1000)),
      incrementalMs: Math.round(incMs),
      incrementalInvoicesPerSec: Math.round(n / (incMs / 1000)),
      actionsPerSecIncremental: Math.round(incremental.length / (incMs / 1000)),
    },
  };
}
