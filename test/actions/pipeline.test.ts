// The whole loop on real parts: QuickBooks simulator → sync → rules → outbox → SMTP (loopback) → write-back in the ERP, exactly once.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { runEvaluation } from '../../src/collections/run.js';
import type { Service } from '../../src/service.js';
import { listOutbox } from '../../src/store/index.js';
import { syncConnection } from '../../src/sync/engine.js';
import { createActionExecutor } from '../../workers/actions.js';
import { createQuickBooksSimulator } from '../simulators/quickbooks/index.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const { sim } = useSimulator(createQuickBooksSimulator({ seed: 21, customers: 8, invoices: 40, payments: 15, creditNotes: 2, limits: { perSecond: Infinity, perMinute: Infinity } }));
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());

describe('sync → plan → send → write back', () => {
  it('emails each due reminder once and records it on the QuickBooks invoice', { timeout: 60_000 }, async () => {
    const c = await connectTo(sql, quickbooks, sim);
    const deps = syncDeps(sql);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const planned = await runEvaluation(sql, c.tenant.id, c.connection.id);
    const emails = (await listOutbox(sql, c.tenant.id)).filter((o) => o.kind === 'email');
    expect(emails.length).toBeGreaterThan(0);

    const service = {
      config: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Relance Démo <relances@demo.example>' },
      log: pino({ level: 'silent' }),
      runtime: { sql },
      sync: deps,
    } as unknown as Service;
    const execute = createActionExecutor(service)!;
    // Actions wait for the send window (the next business morning); run the executor then, twice.
    const sendTime = new Date(Math.max(...emails.map((e) => Date.parse(e.dueAt))) + 3600_000);
    await execute(service, c.tenant.id, sendTime);
    await execute(service, c.tenant.id, sendTime);
    execute.close();

    const after = await listOutbox(sql, c.tenant.id);
    const sentEmails = after.filter((o) => o.kind === 'email' && o.state === 'sent');
    // A step with statutory penalties needs the ECB rate of the half-year; 2026-H2 is not in the table yet, so
    // that email waits with the reason instead of being sent with another period's rate.
    const waiting = after.filter((o) => o.kind === 'email' && o.state !== 'sent');
    expect(waiting.every((o) => /RATE_MISSING\(2026-H2\)/.test(o.lastError ?? ''))).toBe(true);
    expect(sentEmails.length + waiting.length).toBe(emails.length);
    expect(sentEmails.length).toBeGreaterThan(0);
    // Exactly once: one message per email action, even after a second run.
    expect(smtp.messages.length).toBe(sentEmails.length);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);

    // Each message names its invoices, and the ERP shows the status on them.
    const first = sentEmails[0]!.payload as { invoices: { externalId: string; number: string }[]; customerExternalId: string };
    const message = smtp.messages.find((m) => first.invoices.every((i) => m.text.includes(i.number)));
    expect(message, `no message lists ${first.invoices.map((i) => i.number).join(', ')}`).toBeDefined();
    const writebacks = after.filter((o) => o.kind === 'writeback');
    expect(writebacks.length).toBeGreaterThan(0);
    expect(writebacks.every((w) => w.state === 'sent')).toBe(true);
    const note = String(sim.data.get('Invoice', first.invoices[0]!.externalId)!['PrivateNote'] ?? '');
    expect(note).toContain('[relance]');
    expect(planned.keys.length).toBeGreaterThanOrEqual(emails.length);
  });
});
