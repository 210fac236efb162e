// A Xero organisation on a 1,000-a-day plan: the connector paces on Xero's remaining-count headers, not on the declared 5,000.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { QuotaExhausted, quotaResumesAt } from '../../src/connectors/errors.js';
import { createSite as createUi } from '../../src/http/app.js';
import { getConnection } from '../../src/store/index.js';
import { syncConnection, syncRecords } from '../../src/sync/engine.js';
import type { Service } from '../../src/service.js';
import { createProcessors } from '../../workers/processors.js';
import { useDatabase } from '../support/db.js';
import { Browser, uiDeps } from '../http/ui/helpers.js';
import { connectTo, fastGate, syncDeps, useSimulator, virtualClock } from '../support/providers.js';

const sql = useDatabase();
// One clock for the gate's pacing and the simulator's windows: waiting a minute or a day moves it, not the test.
const clock = virtualClock();
const { sim } = useSimulator(createXeroSimulator({ seed: 23, tier: 'starter', clock: clock.date, customers: 20, invoices: 1300, bills: 0, creditNotes: 1100, payments: 150 }));
const deps = syncDeps(sql, { gate: fastGate(clock), now: clock.date, sleep: clock.sleep });

/** Calls Xero counts against the organisation's quota (the Accounting API, not the identity server). */
const accountingCalls = () => Object.entries(sim.stats.byRoute).reduce((n, [route, count]) => n + (/^\w+ \/(Organisation|Contacts|Invoices|CreditNotes|Payments)/.test(route) ? count : 0), 0);

describe('Xero daily quota read from the provider', () => {
  it('stops a burst of re-reads at the headroom of a 1,000-a-day plan, pauses the connection with a visible status, and resumes after the reset', async () => {
    expect(sim.limits.perDay).toBe(1000);
    expect(xero.rateLimits.perDay).toBe(5000);
    const c = await connectTo(sql, xero, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const afterSync = accountingCalls();
    expect(afterSync).toBeLessThan(20);

    // A bulk change in Xero: 1,100 credit notes announced at once, each re-read by its own documented call.
    const ids = sim.data.list('CreditNote').map((r) => String(r['CreditNoteID']));
    await expect(syncRecords(deps, c.tenant.id, c.connection.id, { credit_notes: ids })).rejects.toBeInstanceOf(QuotaExhausted);
    // Xero's own count said 1,000 a day: 900 calls spent, a tenth kept back, and not one refused by Xero.
    expect(accountingCalls()).toBe(900);
    expect(sim.stats.throttled).toBe(0);
    const paused = (await getConnection(sql, c.tenant.id, c.connection.id))!;
    expect(paused.status).toBe('paused');
    const resumesAt = quotaResumesAt(paused.statusDetail)!;
    expect(resumesAt.getTime()).toBeGreaterThan(clock.now() + 20 * 3_600_000);
    expect(resumesAt.getTime()).toBeLessThanOrEqual(clock.now() + 24 * 3_600_000);

    // The scheduled sync that follows waits without a call, and is no failure a queue would retry.
    const waiting = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(waiting.status).toBe('paused');
    expect(waiting.requests).toBe(0);
    // The worker's sync job ends without throwing: BullMQ has nothing to retry.
    const service = { runtime: { sql }, sync: deps, log: pino({ level: 'silent' }), queue: { enqueue: async () => undefined } } as unknown as Service;
    await expect(createProcessors(service, { executeActions: async () => undefined }).sync!({ tenantId: c.tenant.id, connectionId: c.connection.id, full: false }, { jobId: 'sync-paused', attempt: 1 })).resolves.toBeUndefined();
    expect(accountingCalls()).toBe(900);

    // The connections page says it in the reader's language, with the time in the company's zone.
    const app = createUi(uiDeps(sql, { now: clock.date }));
    const fr = new Browser(app, { 'accept-language': 'fr-FR,fr;q=0.9' });
    await fr.signIn(c.tenant.id);
    const frHtml = await (await fr.request('/connections')).text();
    const frRow = frHtml.slice(frHtml.indexOf(`data-connection="${c.connection.id}"`), frHtml.indexOf('</tr>', frHtml.indexOf(`data-connection="${c.connection.id}"`)));
    expect(frRow).toContain('>en pause<');
    expect(frRow).toMatch(/Quota journalier atteint, reprise (à|le) [^<]*\d\d:\d\d</);
    expect(frRow).not.toMatch(/quota for today|resumes|T\d\d:\d\d:\d\d/);
    await fr.request('/lang?to=en&back=/connections');
    const enHtml = await (await fr.request('/connections')).text();
    expect(enHtml).toMatch(/Daily quota reached, resumes (at|on) [^<]*\d\d:\d\d</);

    // Past the reset, the next sync runs again and the connection is active.
    await clock.sleep(resumesAt.getTime() - clock.now() + 60_000);
    const resumed = await syncConnection(deps, c.tenant.id, c.connection.id);
    expect(resumed.status, resumed.error ?? '').toBe('ok');
    expect(resumed.requests).toBeGreaterThan(0);
    expect((await getConnection(sql, c.tenant.id, c.connection.id))!.status).toBe('active');
    expect(sim.stats.throttled).toBe(0);
  });
});
