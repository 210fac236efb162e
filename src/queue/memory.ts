// The in-process queue driver for the embedded single-process mode: same contract as BullMQ, state in memory (PostgreSQL stays the source of truth).
import { CronExpressionParser } from 'cron-parser';
import { DEFAULT_RETRY, retryDelay, type DeadLetter, type EnqueueOptions, type Handlers, type QueueDriver, type RetryPolicy, type ScheduleSpec } from './driver.js';
import { JOB_PRIORITY, parseJob, type JobName } from './jobs.js';

interface Job {
  id: string;
  name: JobName;
  payload: unknown;
  attempts: number;
  runAt: number;
}

export function createMemoryQueue(options: { retry?: RetryPolicy; random?: () => number } = {}): QueueDriver {
  const retry = options.retry ?? DEFAULT_RETRY;
  const waiting: Job[] = [];
  // Ids of jobs waiting to run; a running job's id may be enqueued once more as its follow-up.
  const waitingIds = new Set<string>();
  const runningIds = new Set<string>();
  const dead: DeadLetter[] = [];
  const schedules = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let handlers: Handlers | null = null;
  let concurrency = 1;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let seq = 0;

  function arm() {
    if (timer) clearTimeout(timer);
    timer = null;
    // Jobs blocked behind a running one are started by that run's completion, not by a timer.
    const runnable = waiting.filter((j) => !runningIds.has(j.id));
    if (closed || !handlers || runnable.length === 0) return;
    const next = Math.min(...runnable.map((j) => j.runAt));
    timer = setTimeout(pump, Math.max(0, next - Date.now()));
  }

  function pump() {
    timer = null;
    while (!closed && handlers && running.size < concurrency) {
      const now = Date.now();
      // A job never runs beside another with its id: the follow-up waits for the running one. Of the jobs ready, the
      // first of the best rank (JOB_PRIORITY), as BullMQ takes them.
      let index = -1;
      for (let i = 0; i < waiting.length; i++) {
        const j = waiting[i]!;
        if (j.runAt > now || runningIds.has(j.id)) continue;
        if (index < 0 || JOB_PRIORITY[j.name] < JOB_PRIORITY[waiting[index]!.name]) index = i;
      }
      if (index < 0) break;
      const job = waiting.splice(index, 1)[0]!;
      waitingIds.delete(job.id);
      runningIds.add(job.id);
      const run = execute(job).finally(() => {
        running.delete(run);
        runningIds.delete(job.id);
        pump();
      });
      running.add(run);
    }
    arm();
  }

  async function execute(job: Job) {
    job.attempts++;
    const handler = handlers?.[job.name] as ((p: unknown, c: { jobId: string; attempt: number }) => Promise<void>) | undefined;
    try {
      if (!handler) throw new Error(`no handler for ${job.name} jobs in this process`);
      await handler(parseJob(job.name, job.payload), { jobId: job.id, attempt: job.attempts });
    } catch (err) {
      if (job.attempts < retry.attempts && !closed) {
        job.runAt = Date.now() + retryDelay(retry, job.attempts, options.random);
        waiting.push(job);
        waitingIds.add(job.id);
      } else {
        dead.push({ jobId: job.id, name: job.name, payload: job.payload, attempts: job.attempts, error: err instanceof Error ? err.message : String(err), failedAt: new Date().toISOString() });
      }
    }
  }

  const driver: QueueDriver = {
    kind: 'in-process',
    async enqueue(name, payload, opts: EnqueueOptions = {}) {
      if (closed) throw new Error('the queue is closed');
      const parsed = parseJob(name, payload);
      const id = opts.jobId ?? `${name}:${++seq}`;
      if (waitingIds.has(id)) return;
      waitingIds.add(id);
      waiting.push({ id, name, payload: parsed, attempts: 0, runAt: Date.now() + (opts.delayMs ?? 0) });
      if (handlers) queueMicrotask(pump);
    },
    async process(h, opts = {}) {
      handlers = h;
      concurrency = opts.concurrency ?? 4;
      pump();
    },
    async schedule(name, payload, spec: ScheduleSpec) {
      await driver.unschedule(spec.id);
      parseJob(name, payload);
      const fire = () => void driver.enqueue(name, payload, { jobId: `schedule:${spec.id}` }).catch(() => undefined);
      if (spec.everyMs && spec.offsetMs) {
        // Each run at the next instant of the schedule's phase (as BullMQ aligns it), by the wall clock. Timers count on
        // the monotonic clock, in whole milliseconds, and the wall clock drifts from it (NTP slewing; CI saw a 700 ms
        // phase run at 699): a timer that falls short of its instant waits out the rest rather than run before its
        // phase. Re-armed from the wall clock each time, so no drift accumulates either.
        const every = spec.everyMs;
        const offset = spec.offsetMs;
        const nextAfter = (now: number) => {
          const t = Math.floor(now / every) * every + offset;
          return t <= now ? t + every : t;
        };
        const arm = (at: number) => {
          schedules.set(
            spec.id,
            setTimeout(() => {
              const now = Date.now();
              if (now < at) return arm(at);
              fire();
              arm(nextAfter(now));
            }, Math.max(0, at - Date.now())),
          );
        };
        arm(nextAfter(Date.now()));
      } else if (spec.everyMs) {
        schedules.set(spec.id, setInterval(fire, spec.everyMs));
      } else if (spec.cron) {
        const armCron = () => {
          const next = CronExpressionParser.parse(spec.cron!, { tz: spec.timeZone ?? 'UTC', currentDate: new Date() }).next().getTime();
          schedules.set(spec.id, setTimeout(() => (fire(), armCron()), Math.max(0, next - Date.now())));
        };
        armCron();
      } else {
        throw new Error(`schedule ${spec.id} needs everyMs or cron`);
      }
    },
    async unschedule(id) {
      const t = schedules.get(id);
      if (t) clearTimeout(t);
      schedules.delete(id);
    },
    boardQueues: () => [],
    async deadLetters() {
      return [...dead];
    },
    async counts() {
      const now = Date.now();
      return { waiting: waiting.filter((j) => j.runAt <= now).length, active: running.size, delayed: waiting.filter((j) => j.runAt > now).length, failed: dead.length };
    },
    async close(timeoutMs = 30_000) {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const t of schedules.values()) clearTimeout(t);
      schedules.clear();
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
  };
  return driver;
}
