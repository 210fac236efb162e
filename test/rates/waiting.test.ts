// A firm reminder whose half-year rate is unknown waits (never sent with a guess, never given up) and goes out by itself once the rate is fetched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import { Dec } from '../../src/model/index.js';
import type { RateBook } from '../../src/rules/rate-tables.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, makeDeps, outboxRows, plan, seed } from '../actions/fixtures.js';
import { useSmtpSink } from '../actions/smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

describe('a penalty step waiting for its reference rate', () => {
  it('keeps waiting past the attempt limit with RATE_MISSING, then sends the right figures once the rate is known', async () => {
    // Due Mon 20 Jul 2026, reminded on 21 and 28 Jul: the firm step (D+15) falls on Tue 4 Aug, in 2026-H2.
    const s = await seed(sql, {
      customers: [customer('w1', { email: 'wait@client.example' })],
      invoices: [invoice('w1', 'w1', { dueDate: '2026-07-20', total: '1240.00', amountDue: '1240.00' })],
      delivered: { w1: { 'reminder-1': '2026-07-21', 'reminder-2': '2026-07-28' } },
    });
    const at = new Date('2026-08-04T10:00:00Z');
    expect((await plan(sql, s, at)).keys.some((k) => k.includes('firm'))).toBe(true);
    let book: RateBook = {};
    const deps = makeDeps(sql, sink.port, { rates: async () => book, options: { maxAttempts: 1, backoffMs: () => 60_000 } });
    for (const hours of [0, 3, 6]) {
      const run = await executeDue(deps, s.tenantId, new Date(at.getTime() + hours * 3_600_000));
      expect(run).toMatchObject({ failed: 0, retried: 1 });
    }
    const [waiting] = (await outboxRows(sql, s.tenantId)).filter((r) => r.idempotency_key.includes('firm'));
    expect(waiting).toMatchObject({ state: 'planned' });
    expect(waiting!.last_error).toMatch(/RATE_MISSING\(2026-H2\)/);
    // It looks again three hours after each try (the rates refresh runs daily and at start-up).
    expect(waiting!.due_at.getTime()).toBe(at.getTime() + 9 * 3_600_000);
    expect(sink.messages.filter((m) => m.rcptTo.includes('wait@client.example'))).toHaveLength(0);
    // The team heard once, for the period, not once per attempt.
    expect(deps.alerts.filter((a) => /ECB main refinancing rate for the second half of 2026/.test(a.message))).toHaveLength(1);

    book = { ecbMro: { '2026-H2': '2.40' } };
    // 19:00 UTC is still 4 Aug in Paris: the interest runs to the send date.
    const sendAt = new Date(at.getTime() + 9 * 3_600_000);
    expect(await executeDue(deps, s.tenantId, sendAt)).toMatchObject({ sent: 1 });
    const m = sink.messages.filter((x) => x.rcptTo.includes('wait@client.example'));
    expect(m).toHaveLength(1);
    // 21 Jul–4 Aug = 15 days at 2.40 + 10 = 12.40 %: 1,240 × 12.40 % × 15 / 365 = 6.3189… → 6.32.
    const i = new Dec('1240.00').times('12.40').div(100).times(15).div(365).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
    expect(i).toBe('6.32');
    expect(m[0]!.text).toContain(`taux de 12,40\u00a0% l'an`);
    expect(m[0]!.text).toContain('soit 6,32\u00a0€ à ce jour');
  });
});
