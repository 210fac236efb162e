// A safe first day on a fresh 300-invoice demo company, synced for real: the 30-day preview sends no formal notice and no
// hand-off to a customer who was not reminded first, and no customer hears more than one message a day.
import { describe, expect, it } from 'vitest';
import { previewConnection } from '../../src/collections/run.js';
import type { PlannedAction } from '../../src/model/collections.js';
import { syncConnection } from '../../src/sync/engine.js';
import { sharedClock, simulated, watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const TODAY = '2026-12-04';
const ESCALATION = new Set(['letter', 'handoff']);
const VOICES = new Set(['email', 'letter', 'handoff', 'call']);

describe.each(simulated)('first day on a fresh demo company: $provider', ({ connector, factory }) => {
  const { clock, gate, arrived } = sharedClock();
  const start = clock.now();
  const t0 = Date.parse(`${TODAY}T12:00:00Z`);
  const { sim, server } = useSimulator(factory.create({ seed: 7, invoices: 300, customers: 38, creditNotes: 18, clock: () => new Date(t0 + clock.now() - start) }));
  watchTraffic(server, clock.now, (e) => e.url.startsWith(sim.baseUrls['api']!) && arrived());

  it.each(['fr', 'en'])('with the shipped %s policy: reminders first, one voice a day', async (locale) => {
    const c = await connectTo(sql, connector, sim);
    await sql`update tenants set locale = ${locale} where id = ${c.tenant.id}`;
    const report = await syncConnection(syncDeps(sql, { gate }), c.tenant.id, c.connection.id);
    expect(report.status, report.error ?? '').toBe('ok');
    const { days } = await previewConnection(sql, c.tenant.id, c.connection.id, 30, new Date(t0));
    // By the day each goes out (the send window's business day), as the customer sees them.
    const all = days.flatMap((d) => d.actions.map((a) => ({ day: (a.notBefore ?? a.dueOn).slice(0, 10), a })));
    expect(all.length).toBeGreaterThan(10);

    // A letter or hand-off goes only to a customer reminded by e-mail on an earlier day, and every invoice it escalates
    // (its own step is the letter's: the other invoices are listed with it, at their own step) was reminded before too.
    const reminded = new Map<string, string>();
    const contacted = new Map<string, string>();
    const offences: string[] = [];
    for (const { day, a } of all) {
      const lines = a.invoices.filter((l) => l.triggered).map((l) => l.externalId);
      if (ESCALATION.has(a.channel)) {
        if (!((contacted.get(a.customerExternalId) ?? day) < day)) offences.push(`${day} ${a.stepId} to customer ${a.customerExternalId}, never reminded`);
        const escalated = a.covers.filter((k) => k.includes(`|${a.stepId}|`)).map((k) => /\|inv:([^|]+)\|/.exec(k)?.[1] ?? k);
        for (const id of escalated) if (!((reminded.get(id) ?? day) < day)) offences.push(`${day} ${a.stepId} for invoice ${id}, never reminded`);
      }
      if (a.channel === 'email') {
        for (const id of lines) if (!reminded.has(id)) reminded.set(id, day);
        if (!contacted.has(a.customerExternalId)) contacted.set(a.customerExternalId, day);
      }
    }
    expect(offences).toEqual([]);
    // None on the first day at all.
    expect(all.filter(({ day, a }) => day === days[0]?.date && ESCALATION.has(a.channel))).toEqual([]);

    // At most one message per customer per day.
    const perDay = new Map<string, PlannedAction[]>();
    for (const { day, a } of all.filter(({ a }) => VOICES.has(a.channel))) perDay.set(`${a.customerExternalId} ${day}`, [...(perDay.get(`${a.customerExternalId} ${day}`) ?? []), a]);
    expect([...perDay].filter(([, l]) => l.length > 1).map(([k, l]) => `${k}: ${l.map((a) => a.stepId).join(', ')}`)).toEqual([]);

    // Quiet days: after an overdue message a customer hears nothing for 7 days.
    const overdue = new Map<string, string[]>();
    for (const { day, a } of all) if (VOICES.has(a.channel) && a.stepId !== 'courtesy') overdue.set(a.customerExternalId, [...(overdue.get(a.customerExternalId) ?? []), day]);
    const tooSoon = [...overdue].flatMap(([c, ds]) => ds.slice(1).filter((d, i) => (Date.parse(d) - Date.parse(ds[i]!)) / 86_400_000 < 7).map((d) => `${c} on ${d}`));
    expect(tooSoon).toEqual([]);
    // Nor a courtesy note in the week after an overdue message: it waits, and is dropped once stale.
    const courtesyTooSoon = all.filter(({ a }) => a.stepId === 'courtesy').flatMap(({ day, a }) =>
      (overdue.get(a.customerExternalId) ?? []).filter((d) => d < day && (Date.parse(day) - Date.parse(d)) / 86_400_000 < 7).map((d) => `${a.customerExternalId}: courtesy on ${day} after ${d}`));
    expect(courtesyTooSoon).toEqual([]);

    const count = (ch: string) => all.filter(({ a }) => a.channel === ch).length;
    // Printed for the record (issue 15 "done when"): what a new user's 30-day preview plans.
    console.info(`${connector.provider}/${locale}: ${all.length} actions over 30 days, ${days[0]?.actions.length ?? 0} on day one; email ${count('email')}, call ${count('call')}, letter ${count('letter')}, handoff ${count('handoff')}`);
  });
});
