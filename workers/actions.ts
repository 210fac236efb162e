// Wires the action executor to the service: SMTP from SMTP_URL, facts from the store, write-back through the connection's connector, alerts by email and log.
import { createSmtpTransport, executeDue, storeLookups, type ActionAlert, type ExecutorDeps } from '../src/actions/index.js';
import type { Service } from '../src/service.js';
import { openProvider } from '../src/sync/engine.js';

/** SMTP settings from `smtp[s]://user:pass@host:port`. */
export function smtpFromUrl(url: string, from: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 465 : 587)),
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : null,
    from,
    pool: true,
  };
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
  };
  const deps: ExecutorDeps = {
    sql: service.runtime.sql,
    smtp: { transport, from },
    ...storeLookups(service.runtime.sql),
    alert,
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
    const summary = await executeDue(deps, tenantId, now);
    service.log.info({ tenantId, ...summary }, 'actions executed');
  };
  // Pooled SMTP connections stay open between runs; close() lets the process (or a test server) end promptly.
  return Object.assign(run, { close: () => transport.close() });
}
