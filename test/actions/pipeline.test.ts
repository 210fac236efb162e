// The whole loop on real parts: QuickBooks simulator → sync → rules → outbox → SMTP (loopback) → write-back in the ERP, exactly once.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { http, passthrough } from 'msw';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickbooks } from '../../connectors/quickbooks/index.js';
import { runEvaluation } from '../../src/collections/run.js';
import type { Service } from '../../src/service.js';
import { listOutbox, saveTenantTemplate } from '../../src/store/index.js';
import { TEMPLATE_IDS, shippedTemplate } from '../../src/actions/index.js';
import { syncConnection } from '../../src/sync/engine.js';
import { createActionExecutor, postAlert } from '../../workers/actions.js';
import { createQuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';
import { switchSendingOn } from '../support/sending.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { loadConfig } from '../../src/config.js';

const sql = useDatabase();
const { sim, server: msw } = useSimulator(createQuickBooksSimulator({ seed: 21, customers: 8, invoices: 40, payments: 15, creditNotes: 2, limits: { perSecond: Infinity, perMinute: Infinity } }));
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.stop());

describe('sync → plan → send → write back', () => {
  it('emails each due reminder once and records it on the QuickBooks invoice', { timeout: 60_000 }, async () => {
    const c = await connectTo(sql, quickbooks, sim);
    await switchSendingOn(sql, c.tenant.id, c.connection.id);
    const deps = syncDeps(sql);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const planned = await runEvaluation(sql, c.tenant.id, c.connection.id);
    const emails = (await listOutbox(sql, c.tenant.id)).filter((o) => o.kind === 'email');
    expect(emails.length).toBeGreaterThan(0);

    const service = {
      // The configuration as the service parses it (defaults included: lease, in-doubt policy...).
      config: loadConfig({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Relance Démo <relances@demo.example>', RELANCE_HOME: mkdtempSync(join(tmpdir(), 'relance-pipeline-')) }),
      log: pino({ level: 'silent' }),
      runtime: { sql },
      sync: deps,
    } as unknown as Service;
    // The company edited every template's subject; the executor must send the edited version.
    for (const id of TEMPLATE_IDS) for (const lang of ['fr', 'en'] as const) {
      const shipped = shippedTemplate(id, lang);
      await saveTenantTemplate(sql, c.tenant.id, id, lang, { ...shipped, subject: `[Acme] ${shipped.subject}` }, 'test');
    }
    const execute = createActionExecutor(service)!;
    // Paid in the ERP after planning, and no sync since: the executor's re-read must catch it.
    const paidLater = emails.find((e) => (e.payload as { invoices: unknown[] }).invoices.length === 1)!;
    const paidId = (paidLater.payload as { invoices: { externalId: string }[] }).invoices[0]!.externalId;
    sim.data.pay(paidId, Number(sim.data.get('Invoice', paidId)!['Balance']).toFixed(2));
    // Actions wait for the send window (the next business morning); run the executor then, twice.
    const sendTime = new Date(Math.max(...emails.map((e) => Date.parse(e.dueAt))) + 3600_000);
    await execute(service, c.tenant.id, sendTime);
    await execute(service, c.tenant.id, sendTime);
    execute.close();

    const after = await listOutbox(sql, c.tenant.id);
    const sentEmails = after.filter((o) => o.kind === 'email' && o.state === 'sent');
    // A step with statutory penalties needs the ECB rate of the half-year; 2026-H2 is not in the table yet, so
    // that email waits with the reason instead of being sent with another period's rate.
    expect(after.find((o) => o.idempotencyKey === paidLater.idempotencyKey)!.state).toBe('cancelled');
    const waiting = after.filter((o) => o.kind === 'email' && o.state !== 'sent' && o.state !== 'cancelled');
    // The others wait for the rate, or failed because the customer has no address to send to (a few take paper only).
    expect(waiting.map((o) => `${o.state}: ${o.lastError ?? ''}`).filter((e) => !/RATE_MISSING\(2026-H2\)|^failed: customer .+ has no email address: add one in the ERP$/.test(e))).toEqual([]);
    expect(sentEmails.length + waiting.length + 1).toBe(emails.length);
    expect(sentEmails.length).toBeGreaterThan(0);
    // Exactly once: one message per email action, even after a second run.
    expect(smtp.messages.length).toBe(sentEmails.length);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
    expect(smtp.messages.every((m) => m.subject.startsWith('[Acme] '))).toBe(true);

    // Each message names its invoices, and the ERP shows the status on them.
    const first = sentEmails.find((e) => e.idempotencyKey !== paidLater.idempotencyKey)!.payload as { invoices: { externalId: string; number: string }[]; customerExternalId: string };
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

describe('alert webhook', () => {
  it('posts alerts signed with HMAC-SHA256 over timestamp and body', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => (received.push({ headers: req.headers, body }), res.writeHead(204).end()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    const secret = 'chat-webhook-secret-123';
    // A real local receiver: let this request through the simulator's interceptor.
    msw.use(http.post(/127\.0\.0\.1:\d+\/hook/, () => passthrough()));
    await postAlert(url, secret, { key: 'k1', tenantId: 't1', severity: 'warning', kind: 'letter_to_post', message: 'Mise en demeure à poster: F-1042', actionKey: 'a1' });
    server.close();
    const [hit] = received;
    const expected = `sha256=${createHmac('sha256', secret).update(`${String(hit!.headers['x-relance-timestamp'])}.${hit!.body}`).digest('hex')}`;
    expect(hit!.headers['x-relance-signature']).toBe(expected);
    expect(JSON.parse(hit!.body)).toMatchObject({ key: 'k1', kind: 'letter_to_post', text: 'Mise en demeure à poster: F-1042' });
    await expect(postAlert(`${url}-gone`, secret, { key: 'k2', tenantId: 't1', severity: 'info', kind: 'task', message: 'x', actionKey: 'a2' })).rejects.toThrow();
  });
});
