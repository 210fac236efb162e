// The BullMQ driver: one queue on Redis shared by every `relance work` process; same contract as the in-process driver.
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { DEFAULT_RETRY, retryDelay, type EnqueueOptions, type Handlers, type QueueDriver, type RetryPolicy, type ScheduleSpec } from './driver.js';
import { JOB_NAMES, JOB_PRIORITY, parseJob, type JobName } from './jobs.js';

/**
 * `lockMs`: how long a job stays owned by a worker without a heartbeat; a worker killed mid-job hands it back
 * to the others after about that long (BullMQ's stalled-job check runs at the same interval).
 */
/** BullMQ's priority option for a job (src/queue/jobs.ts): none for the first rank, which BullMQ runs before any other. */
const priorityOf = (jobName: JobName): { priority?: number } => (JOB_PRIORITY[jobName] > 0 ? { priority: JOB_PRIORITY[jobName] } : {});

export function createBullQueue(redisUrl: string, options: { name?: string; retry?: RetryPolicy; lockMs?: number } = {}): QueueDriver {
  const name = options.name ?? 'relance';
  const retry = options.retry ?? DEFAULT_RETRY;
  // BullMQ needs maxRetriesPerRequest null on connections used by workers (blocking commands).
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection });
  let worker: Worker | null = null;
  let workerConnection: Redis | null = null;
  const isJobName = (n: string): n is JobName => (JOB_NAMES as string[]).includes(n);

  const driver: QueueDriver = {
    kind: 'bullmq',
    async enqueue(jobName, payload, opts: EnqueueOptions = {}) {
      const data = parseJob(jobName, payload);
      await queue.add(jobName, data, {
        // While one runs, one more may wait: a nudge that arrives mid-run must not be lost.
        ...(opts.jobId ? { deduplication: { id: opts.jobId, keepLastIfActive: true } } : {}),
        ...(opts.delayMs ? { delay: opts.delayMs } : {}),
        ...priorityOf(jobName),
        attempts: retry.attempts,
        backoff: { type: 'relance' },
        removeOnComplete: { count: 1000 },
        // Failed jobs stay: they are the dead letters shown in Bull Board and /metrics.
        removeOnFail: false,
      });
    },
    async process(handlers: Handlers, opts = {}) {
      worker = new Worker(
        name,
        async (job: BullJob) => {
          if (!isJobName(job.name)) throw new Error(`unknown job ${job.name}`);
          const handler = handlers[job.name] as ((p: unknown, c: { jobId: string; attempt: number }) => Promise<void>) | undefined;
          if (!handler) throw new Error(`no handler for ${job.name} jobs in this process`);
          await handler(parseJob(job.name, job.data), { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
        },
        {
          connection: (workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null })),
          concurrency: opts.concurrency ?? 4,
          lockDuration: options.lockMs ?? 30_000,
          stalledInterval: options.lockMs ?? 30_000,
          settings: { backoffStrategy: (attemptsMade: number) => retryDelay(retry, attemptsMade) },
        },
      );
      worker.on('error', () => undefined);
      await worker.waitUntilReady();
    },
    async schedule(jobName, payload, spec: ScheduleSpec) {
      const data = parseJob(jobName, payload);
      const repeat = spec.everyMs ? { every: spec.everyMs, ...(spec.offsetMs ? { offset: spec.offsetMs } : {}) } : spec.cron ? { pattern: spec.cron, tz: spec.timeZone ?? 'UTC' } : null;
      if (!repeat) throw new Error(`schedule ${spec.id} needs everyMs or cron`);
      // Upserted again with the same period, a scheduler keeps the phase it has: one set with another phase (by a
      // version that set none, all at one instant at start-up) is replaced, so it takes this one from its next run.
      let isNew = false;
      if (spec.everyMs && spec.offsetMs) {
        const existing = await queue.getJobScheduler(spec.id);
        isNew = !existing;
        if (existing && existing.every === spec.everyMs && existing.offset !== spec.offsetMs) await queue.removeJobScheduler(spec.id);
      }
      await queue.upsertJobScheduler(spec.id, repeat, { name: jobName, data, opts: { ...priorityOf(jobName), attempts: retry.attempts, backoff: { type: 'relance' }, removeOnComplete: { count: 100 }, removeOnFail: false } });
      // A new schedule also runs once now, as BullMQ runs a new one without a phase (a connection's first sync when a
      // worker adopts it), deduplicated by the schedule's id; then at its phase.
      if (isNew) await driver.enqueue(jobName, payload, { jobId: spec.id });
    },
    async unschedule(id) {
      await queue.removeJobScheduler(id);
    },
    boardQueues: () => [queue],
    async deadLetters() {
      const failed = await queue.getFailed(0, 999);
      return failed.map((j) => ({
        jobId: j.id ?? '',
        name: j.name as JobName,
        payload: j.data,
        attempts: j.attemptsMade,
        error: j.failedReason,
        failedAt: new Date(j.finishedOn ?? j.timestamp).toISOString(),
      }));
    },
    async counts() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      return { waiting: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0 };
    },
    async close(timeoutMs = 30_000) {
      if (worker) {
        const w = worker;
        // Let running jobs finish; past the deadline, force-close so they are handed back (stalled → retried elsewhere).
        const graceful = w.close();
        const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref())]);
        if (timedOut) await w.close(true);
      }
      await queue.close();
      connection.disconnect();
      workerConnection?.disconnect();
    },
  };
  return driver;
}
