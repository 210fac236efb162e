// The queue contract both drivers implement: enqueue with dedupe and delay, process with retries, schedules, dead letters.
import type { JobName, JobPayload } from './jobs.js';

export interface EnqueueOptions {
  /**
   * Deduplication id (e.g. `sync:<connection>`): a job with the same id already waiting absorbs this one; if it is
   * running, one follow-up waits, so a change that arrives mid-run is still handled.
   */
  jobId?: string;
  delayMs?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}

export type Handlers = { [N in JobName]?: (payload: JobPayload<N>, ctx: JobContext) => Promise<void> };

export interface ScheduleSpec {
  /** Stable id: upserting the same id replaces the schedule instead of adding one. */
  id: string;
  everyMs?: number;
  /**
   * With `everyMs`: the schedule's phase in its period, in ms (0 < offsetMs < everyMs). Runs fall at the instants t
   * with t mod everyMs = offsetMs, so schedules with different phases do not all fall due at once (see spreadPhase).
   * Without it a schedule's phase is the moment it was set: every schedule set at start-up falls due together.
   * BullMQ also runs a schedule that did not exist yet once when it is set (as it runs a new one without a phase); the
   * in-process driver, whose schedules all start with the process, waits for the phase.
   */
  offsetMs?: number;
  /** Cron pattern evaluated in `timeZone` (e.g. "0 9 * * 1-5" at the tenant's send time). */
  cron?: string;
  timeZone?: string;
}

export interface DeadLetter {
  jobId: string;
  name: JobName;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: string;
}

export interface RetryPolicy {
  attempts: number;
  /** Base of the exponential backoff; each retry waits base × 2^(attempt-1) with jitter. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 2_000 };

export interface QueueDriver {
  readonly kind: 'bullmq' | 'in-process';
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options?: EnqueueOptions): Promise<void>;
  /** Starts processing; at most `concurrency` jobs run at once in this process. */
  process(handlers: Handlers, options?: { concurrency?: number }): Promise<void>;
  schedule<N extends JobName>(name: N, payload: JobPayload<N>, spec: ScheduleSpec): Promise<void>;
  unschedule(id: string): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Counts for /metrics and tests. */
  counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }>;
  /** The BullMQ queues behind this driver, for Bull Board (none for the in-process driver). */
  boardQueues(): unknown[];
  /** Graceful: stops taking jobs and waits for running ones (up to `timeoutMs`), then hands the rest back. */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * A stable phase for `key` in a period of `everyMs` (FNV-1a of the key): the same in every process and after every
 * restart, and spread evenly over the period by different keys. In 1 … everyMs-1, since BullMQ reads 0 as no offset.
 */
export function spreadPhase(key: string, everyMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return 1 + (h % Math.max(1, everyMs - 1));
}

/** Full-jitter exponential backoff (shared by both drivers so retries look the same everywhere). */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = policy.backoffMs * 2 ** Math.max(0, attempt - 1);
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
