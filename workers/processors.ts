// Job processors: what each queued job does. The PostgreSQL inbox/outbox stay the source of truth; a job only says "look now".
import { factsChangedSinceEvaluation, runEvaluation } from '../src/collections/run.js';
import { QuotaExhausted } from '../src/connectors/errors.js';
import type { StreamName } from '../src/connectors/types.js';
import type { Handlers } from '../src/queue/driver.js';
import type { Service } from '../src/service.js';
import { listDocuments } from '../src/store/documents.js';
import { markInboxProcessed, pendingInbox } from '../src/store/inbox.js';
import { getConnection, getTenant, listConnections } from '../src/store/tenants.js';
import { dateInZone } from '../src/model/index.js';
import { runInsolvencyJob } from '../src/insolvency/job.js';
import { syncConnection, syncRecords } from '../src/sync/engine.js';
import { createTokenSource } from '../src/connectors/tokens.js';
import { clientConfigFor } from '../src/connectors/clients.js';
import { runRatesJob } from '../src/rates/job.js';
import { dueWork } from '../src/actions/due-work.js';
import { createActionExecutor } from './actions.js';

export interface ProcessorOptions {
  /** Executes a tenant's due outbox actions (src/actions); absent until an executor is configured. */
  executeActions?: (service: Service, tenantId: string) => Promise<void>;
}

/** How long a sync request that found its connection already syncing waits before it runs. */
const BUSY_RETRY_MS = 3_000;

/** A sync or webhook that changed facts triggers an evaluation of the connection (deduplicated while one waits). */
async function evaluateSoon(service: Service, tenantId: string, connectionId: string) {
  await service.queue.enqueue('evaluate', { tenantId, connectionId }, { jobId: `evaluate:${connectionId}` });
}

/** Logs every failure with its job and ids before the queue retries it (nothing is silent). */
function logged(service: Service, handlers: Handlers): Handlers {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, (p: Record<string, unknown>, c: { jobId: string; attempt: number }) => Promise<void>][]) {
    out[name] = async (payload: Record<string, unknown>, ctx: { jobId: string; attempt: number }) => {
      try {
        await handler(payload, ctx);
      } catch (err) {
        service.log.warn({ job: name, jobId: ctx.jobId, attempt: ctx.attempt, tenantId: payload['tenantId'], connectionId: payload['connectionId'], err: err instanceof Error ? err.message : String(err) }, 'job failed; it will be retried');
        throw err;
      }
    };
  }
  return out as Handlers;
}

export function createProcessors(service: Service, options?: ProcessorOptions): Handlers {
  const executeActions = options?.executeActions ?? createActionExecutor(service);
  return logged(service, processors(service, executeActions ? { executeActions } : {}));
}

function processors(service: Service, options: ProcessorOptions): Handlers {
  const { sql } = service.runtime;
  const log = service.log;
  return {
    async sync({ tenantId, connectionId, full }) {
      const report = await syncConnection(service.sync, tenantId, connectionId, { full });
      log.info({ tenantId, connectionId, status: report.status, requests: report.requests, throttled: report.throttled, ms: report.durationMs }, 'sync finished');
      // A connection that needs reconnecting is not retried (the job would only spend refresh attempts): it waits for the user.
      if (report.status === 'failed') throw new Error(report.error ?? 'sync failed');
      // Another process is syncing this connection (a scheduled run, a second nudge taken by another worker): this
      // request may announce changes that sync has already read past, so it runs once more after it, not never.
      if (report.status === 'busy') await service.queue.enqueue('sync', { tenantId, connectionId, full }, { jobId: `sync:${connectionId}`, delayMs: BUSY_RETRY_MS });
      const changed = report.streams.some((s) => s.inserted + s.updated + s.deleted > 0);
      // Nothing changed this time, but an earlier sync's changes may still await their evaluation (its worker died first).
      if (changed || (report.status === 'ok' && (await factsChangedSinceEvaluation(sql, tenantId, connectionId)))) await evaluateSoon(service, tenantId, connectionId);
      // New or changed customers may carry a SIREN never checked: the watch reads those now, not tomorrow.
      if (report.streams.some((s) => s.stream === 'customers' && s.inserted + s.updated > 0)) await service.queue.enqueue('insolvency', { tenantId, unchecked: true }, { jobId: `insolvency-new:${tenantId}` });
    },

    async webhook({ tenantId, provider }) {
      log.info({ tenantId, provider }, 'webhook job');
      const events = (await pendingInbox(sql, tenantId, 500)).filter((e) => e.provider === provider);
      const byConnection = new Map<string, typeof events>();
      for (const e of events) if (e.connectionId) (byConnection.get(e.connectionId) ?? byConnection.set(e.connectionId, []).get(e.connectionId)!).push(e);
      for (const [connectionId, list] of byConnection) {
        const changes: Partial<Record<StreamName, string[]>> = {};
        for (const e of list) {
          const p = e.payload as { stream: StreamName; externalId: string };
          (changes[p.stream] ??= []).push(p.externalId);
        }
        const ids = list.map((e) => e.id);
        try {
          await syncRecords(service.sync, tenantId, connectionId, changes);
          await markInboxProcessed(sql, tenantId, ids);
        } catch (err) {
          await markInboxProcessed(sql, tenantId, ids, err instanceof Error ? err.message : String(err));
          // A spent quota paused the connection: a retry could only be refused, and the incremental sync after the
          // reset reads what these events announced (it reads everything changed since its cursor).
          if (err instanceof QuotaExhausted) {
            log.warn({ tenantId, connectionId, events: ids.length }, 'webhook re-reads stopped by the provider quota; the next sync catches up');
            continue;
          }
          throw err;
        }
        await evaluateSoon(service, tenantId, connectionId);
      }
    },

    async sweep() {
      const due = await dueWork(sql, new Date(), service.config.OUTBOX_LEASE_MS);
      // The same deduplication ids as every other wake-up: a tenant already woken is not woken twice.
      for (const tenantId of due.actions) await service.queue.enqueue('actions', { tenantId }, { jobId: `actions:${tenantId}` });
      for (const w of due.webhooks) await service.queue.enqueue('webhook', w, { jobId: `webhook:${w.tenantId}:${w.provider}` });
      if (due.actions.length || due.webhooks.length) log.info({ actions: due.actions.length, webhooks: due.webhooks.length }, 'sweep woke tenants with work due');
    },

    async evaluate({ tenantId, connectionId }) {
      const result = await runEvaluation(sql, tenantId, connectionId, new Date(), service.addedRates);
      log.info({ tenantId, connectionId, planned: result.keys.length, today: result.today }, 'evaluation finished');
      if (result.keys.length) await service.queue.enqueue('actions', { tenantId }, { jobId: `actions:${tenantId}` });
    },

    async actions({ tenantId }) {
      if (options.executeActions) await options.executeActions(service, tenantId);
      else log.info({ tenantId }, 'actions planned but not sent: set SMTP_URL (and SMTP_FROM) to send reminders');
    },

    async refresh({ tenantId, connectionId }) {
      const connection = await getConnection(sql, tenantId, connectionId);
      if (!connection || connection.status === 'needs_reconnect') return;
      const connector = service.registry.get(connection.provider);
      // Refreshes only when the token expires within the window: a schedule every 10 minutes keeps it ahead of expiry.
      await createTokenSource({ sql, secretKey: service.runtime.secretKey, connector, client: clientConfigFor(service.config, connection.provider, connection), tenantId, connectionId, refreshAheadMs: 15 * 60_000 }).accessToken(false);
    },

    async rates() {
      const outcomes = await runRatesJob(sql, { timeZone: service.config.DEFAULT_TIME_ZONE, log: (entry, msg) => log.warn(entry, msg) });
      log.info({ rates: outcomes.map((o) => ({ kind: o.kind, status: o.status, stored: o.stored, revisions: o.revisions.length })) }, 'reference rates refreshed');
      // A publisher down is retried by the next run (daily, or the job's own retry): nothing partial was stored.
      if (outcomes.some((o) => o.status === 'unavailable')) throw new Error(outcomes.filter((o) => o.status === 'unavailable').map((o) => o.reason).join('; '));
    },

    async insolvency({ tenantId, unchecked }) {
      const tenant = await getTenant(sql, tenantId);
      if (!tenant) return;
      const now = new Date();
      const result = await runInsolvencyJob(sql, tenantId, {
        openTask: service.openTask,
        ...(service.config.BODACC_URL ? { base: service.config.BODACC_URL } : {}),
        companiesHouse: { apiKey: service.config.COMPANIES_HOUSE_API_KEY ?? null, ...(service.config.COMPANIES_HOUSE_URL ? { base: service.config.COMPANIES_HOUSE_URL } : {}) },
        unchecked,
        today: dateInZone(now, tenant.timeZone),
        now,
      });
      log.info({ tenantId, unchecked, read: result.read, newNotices: result.newNotices, pausedInvoices: result.pausedInvoices, quarantined: result.quarantined, reminders: result.reminders, unavailable: result.unavailable.length, skipped: result.skipped.length }, 'insolvency watch finished');
      if (result.skipped.length) log.warn({ tenantId, skipped: result.skipped.length }, result.skipped[0]!.reason);
      // Paused invoices lose their planned reminders at once (opening a pause cancels them); the evaluation and the
      // alerts follow now rather than at the next daily run.
      if (result.newNotices) for (const c of await listConnections(sql, tenantId)) await evaluateSoon(service, tenantId, c.id);
      if (result.reminders || result.newNotices) await service.queue.enqueue('actions', { tenantId }, { jobId: `actions:${tenantId}` });
      // A publisher down: what it did not answer for is read again by the retry (nothing was stored for it).
      if (result.unavailable.length) throw new Error(`insolvency publisher unavailable for ${result.unavailable.length} registration number(s): ${result.unavailable[0]!.reason}`);
    },

    async inbound() {
      if (!service.config.INBOUND_IMAP_URL) return;
      const { inboundDeps, pollConfiguredMailbox } = await import('../src/inbound/wiring.js');
      const result = await pollConfiguredMailbox(service.config, inboundDeps(sql, service.config, service.openTask, (e, m) => log.info(e, m)), (e, m) => log.warn(e, m));
      if (result) log.info({ ...result }, 'inbound mailbox read');
    },

    async reconcile({ tenantId, connectionId }) {
      const open = (await listDocuments(sql, tenantId, 'invoice', { connectionId })).filter((d) => d.record.status === 'open' || d.record.status === 'partially_paid');
      if (open.length === 0) return;
      await syncRecords(service.sync, tenantId, connectionId, { invoices: open.map((d) => d.record.externalId) });
      await evaluateSoon(service, tenantId, connectionId);
    },
  };
}
