// Job names and their payload schemas: the only contract between whoever enqueues and the workers.
import { z } from 'zod';

const Ids = { tenantId: z.uuid(), connectionId: z.uuid() };

export const JOB_SCHEMAS = {
  /** Incremental (or full) sync of one connection. */
  sync: z.object({ ...Ids, full: z.boolean().default(false) }),
  /** Re-read the records named by stored inbox events (webhooks) and mark them processed. */
  webhook: z.object({ tenantId: z.uuid(), provider: z.string().min(1) }),
  /** Run the rules engine for one connection (daily, and after a sync changed something). */
  evaluate: z.object(Ids),
  /**
   * Every minute, one for the whole service: finds in PostgreSQL the tenants with outbox items due or webhook events
   * pending and wakes their `actions` and `webhook` jobs, so a lost wake-up (Redis restarted, a process killed) is
   * picked up within a minute.
   */
  sweep: z.object({}),
  /** Execute due outbox actions of a tenant. */
  actions: z.object({ tenantId: z.uuid() }),
  /** Refresh a connection's access token ahead of expiry. */
  refresh: z.object(Ids),
  /** Fetch the reference rates from their publishers (daily, and at start-up when the current half-year has none). */
  rates: z.object({}),
  /** Nightly re-read of every open invoice (catches what webhooks and CDC windows missed). */
  reconcile: z.object(Ids),
  /** Read the insolvency publisher for the tenant's customers (daily: all of them; after a sync: those never read). */
  insolvency: z.object({ tenantId: z.uuid(), unchecked: z.boolean().default(false) }),
  /** Read the unseen messages of the inbound IMAP mailbox (replies, bounces) and act on them. */
  inbound: z.object({}),
} as const;

export type JobName = keyof typeof JOB_SCHEMAS;

/**
 * Which ready jobs take a free slot first, lower first: the work that keeps the data current (syncs, webhook
 * re-reads, token refreshes, the sweep, replies) before the batch work that reads it: sends, then evaluations, then
 * the nightly re-reads and insolvency checks. Batch work comes in bursts (every tenant's evaluation at the same local
 * hour, sending switched on for many companies) and, first come first served, held every slot: the scale bench at
 * 2,000 companies had 30 of 32 slots on sends and 1,988 scheduled syncs waiting behind 1,393 sends and 1,373
 * evaluations, so no company synced for the whole window (#29). Syncs are bounded (one per connection, deduplicated),
 * so the batch work still gets every slot they leave; a send re-reads what it sends about anyway, and an evaluation
 * works best on data just synced. In BullMQ a job with no priority goes before any job with one: 0 is sent as none.
 */
export const JOB_PRIORITY: Readonly<Record<JobName, number>> = {
  sync: 0,
  webhook: 0,
  refresh: 0,
  sweep: 0,
  inbound: 0,
  rates: 0,
  actions: 1,
  evaluate: 2,
  reconcile: 3,
  insolvency: 3,
};
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_SCHEMAS)[N]>;
export const JOB_NAMES = Object.keys(JOB_SCHEMAS) as JobName[];

/** Validates a payload for `name`; a bad payload is a programming error, so the message names the field. */
export function parseJob<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const r = JOB_SCHEMAS[name].safeParse(payload);
  if (!r.success) throw new Error(`invalid ${name} job payload: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data as JobPayload<N>;
}
