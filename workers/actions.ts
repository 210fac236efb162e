// Wires the action executor to the service: SMTP from SMTP_URL, facts from the store, write-back through the connection's connector, alerts by email and log.
import { rateBookFor } from '../src/demo/rates.js';
import { getConnection } from '../src/store/tenants.js';
import { createSmtpTransport, executeDue, storeLookups, type ActionAlert, type ExecutorDeps } from '../src/actions/index.js';
import { smtpFromUrl } from '../src/actions/email.js';
import type { Service } from '../src/service.js';
import { createHmac } from 'node:crypto';
import { openProvider, syncRecords } from '../src/sync/engine.js';
import { getTenantTemplate } from '../src/store/templates.js';
import { documentLinks, saveDocumentLinks } from '../src/store/document-links.js';
import { letterLinkForAction, linkForAction, portalUrl } from '../src/portal/links.js';
import { taskOpener } from '../src/worklist/open.js';
import { replyAddressOf } from '../src/actions/reply-address.js';

/** SMTP settings from `smtp[s]://user:pass@host:port` (src/actions/email.ts, shared with the team's invitations). */
export { smtpFromUrl };

/**
 * Posts an alert to a chat tool's incoming webhook. With a secret, `X-Relance-Signature: sha256=<hex HMAC of the
 * body>` and `X-Relance-Timestamp` let the receiver check it came from us; the alert key makes repeats recognisable.
 */
export async function postAlert(url: string, secret: string | null, a: ActionAlert): Promise<void> {
  const body = JSON.stringify({ key: a.key, kind: a.kind, severity: a.severity, tenantId: a.tenantId, actionKey: a.actionKey, text: a.message, detail: a.body ?? null });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-relance-timestamp': timestamp };
  if (secret) headers['x-relance-signature'] = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
}

/** Null when no SMTP server is configured: the service then plans but does not send (and says so). */
export type ActionExecutor = ((service: Service, tenantId: string, now?: Date) => Promise<void>) & { close(): void };

export function createActionExecutor(service: Service): ActionExecutor | null {
  const { config } = service;
  if (!config.SMTP_URL) return null;
  const from = config.SMTP_FROM ?? `Relance <relance@${new URL(config.SMTP_URL).hostname}>`;
  const transport = createSmtpTransport(smtpFromUrl(config.SMTP_URL, from));
  const alert = async (a: ActionAlert) => {
    service.log.warn({ tenantId: a.tenantId, alert: a.kind, key: a.key, actionKey: a.actionKey }, a.message);
    if (config.ALERT_EMAIL) {
      await transport.sendMail({ from, to: config.ALERT_EMAIL, subject: `[Relance] ${a.message}`.slice(0, 200), text: a.body ?? a.message, messageId: `<alert-${a.key.replace(/[^A-Za-z0-9.-]/g, '')}@relance>` });
    }
    if (config.ALERT_WEBHOOK_URL) await postAlert(config.ALERT_WEBHOOK_URL, config.ALERT_WEBHOOK_SECRET ?? null, a);
  };
  const lookups = storeLookups(service.runtime.sql);
  const deps: ExecutorDeps = {
    sql: service.runtime.sql,
    options: { leaseMs: config.OUTBOX_LEASE_MS, inDoubt: config.SMTP_IN_DOUBT === 'hold' ? 'fail' : 'resend' },
    // Replies and bounces come back to `<reply local>+<thread token>@<reply domain>` (src/inbound).
    smtp: { transport, from, replyTo: replyAddressOf(config) },
    ...lookups,
    // Re-read the invoices from the ERP (within the connection's rate budget) before deciding to send.
    async freshness(ctx, ids) {
      if (ctx.connectionId) await syncRecords(service.sync, ctx.tenantId, ctx.connectionId, { invoices: [...ids] });
      return lookups.freshness(ctx, ids);
    },
    alert,
    // Calls, hand-offs, letters to post and broken promises go to the worklist; the urgent ones are alerted too.
    openTask: taskOpener(service.runtime.sql, { alert }),
    // Every reminder carries the customer's portal link (a fresh one each reminder, the same on a retry).
    async portalLink(ctx, customerExternalId, actionKey, form) {
      // A runtime always holds its secret key; a partial one (some tests) prints no link rather than failing the send.
      if (!ctx.connectionId || !service.runtime.secretKey) return null;
      const scope = { tenantId: ctx.tenantId, connectionId: ctx.connectionId, customerExternalId };
      // A letter's link is typed by hand from paper: the short form, under a QR code.
      const token = form === 'letter' ? await letterLinkForAction(service.runtime.sql, service.runtime.secretKey, scope, actionKey) : await linkForAction(service.runtime.sql, service.runtime.secretKey, scope, actionKey);
      return portalUrl(config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`, token);
    },
    // A demo company's penalties read the simulated rates too, as its preview did; nothing simulated is stored.
    rates: async (ctx, today) => rateBookFor(service.runtime.sql, ctx.connectionId ? await getConnection(service.runtime.sql, ctx.tenantId, ctx.connectionId) : null, today, service.addedRates),
    // The company's edited templates (validated when saved, and again by the executor before use).
    async templates(tenantId, templateId, lang) {
      const stored = await getTenantTemplate(service.runtime.sql, tenantId, templateId, lang);
      return stored ? { subject: stored.subject, body: stored.body } : null;
    },
    // Documents the provider gives one invoice at a time: the stored ones, then the provider for the rest (kept for the portal).
    async documentLinks(ctx, ids) {
      if (!ctx.connectionId) return new Map();
      const sql = service.runtime.sql;
      const known = await documentLinks(sql, ctx.tenantId, ctx.connectionId, ids);
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length === 0) return known;
      const { connector, context } = await openProvider(service.sync, ctx.tenantId, ctx.connectionId);
      if (!connector.documentLinks) return known;
      const fetched = await connector.documentLinks(context, missing);
      await saveDocumentLinks(sql, ctx.tenantId, ctx.connectionId, fetched);
      return new Map([...known, ...Object.entries(fetched)]);
    },
    async writeback(action, _proof, ctx) {
      if (!ctx.connectionId) return;
      const { connector, context } = await openProvider(service.sync, ctx.tenantId, ctx.connectionId);
      if (!connector.writeback) return;
      for (const line of action.invoices) {
        await connector.writeback.writeStatus(context, line.instalmentOf ?? line.externalId, {
          key: action.idempotencyKey,
          step: action.stepId,
          channel: action.channel,
          date: action.dueOn,
          summary: action.explain.slice(0, 200),
        });
      }
    },
  };
  const run = async (_service: Service, tenantId: string, now?: Date) => {
    const { held, ...summary } = await executeDue(deps, tenantId, now);
    service.log.info({ tenantId, ...summary }, 'actions executed');
    for (const h of held) {
      service.log.info({ tenantId, connectionId: h.connectionId, held: h.due }, `${h.due} due action(s) held: sending is off for this connection; review the preview, then turn it on (settings page, or relance sending ${h.connectionId} on)`);
    }
  };
  // Pooled SMTP connections stay open between runs; close() lets the process (or a test server) end promptly.
  return Object.assign(run, { close: () => transport.close() });
}
