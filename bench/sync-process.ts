// The syncing process of the sync benches: one `syncConnection` in a process of its own, with a `work` process's
// modules and V8 settings, so the peak RSS and CPU reported are those of the process that syncs, and nothing else.
// Started by bench/sync.ts: `node --import ./bin/v8-flags.mjs bin/run-ts.mjs bench/sync-process.ts` with the
// connection in BENCH_SYNC (JSON); prints one JSON line with its figures.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connectors } from '../connectors/index.js';
import type { Connector } from '../src/connectors/types.js';
import { createMemoryRateGate } from '../src/connectors/rate-gate.js';
import { ConnectorRegistry } from '../src/connectors/registry.js';
import { connect } from '../src/store/db.js';
import { createSyncDeps, syncConnection } from '../src/sync/index.js';
// What a `relance work` process loads besides the sync engine (its resident size counts against the same target):
// bin/relance.mjs loads the CLI, the registry and the workers, and the `work` command loads start.ts and the service.
import '../src/cli/main.js';
import '../src/cli/start.js';
import '../src/service.js';
import '../workers/index.js';

const job = JSON.parse(process.env['BENCH_SYNC'] ?? 'null') as { dbUrl: string; secretKeyHex: string; tenantId: string; connectionId: string; provider: string; unpaced: boolean } | null;
if (!job) throw new Error('BENCH_SYNC is not set: this script is started by bench/sync.ts');

/** The kernel's figures for this process: resident now and at its peak (VmHWM), in bytes. */
function status(): { rss: number; hwm: number } {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * CPU seconds of the main thread and of all the others, from /proc. Node 20 leaves its threads unnamed, so V8's helpers
 * (concurrent and parallel GC, the compiler) and libuv's pool (zlib, crypto) are told apart from the main thread only.
 */
function threadCpu(): Map<string, number> {
  const tick = 100; // USER_HZ on Linux
  const byKind = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
    const kind = Number(tid) === process.pid ? 'main' : 'other threads';
    byKind.set(kind, (byKind.get(kind) ?? 0) + seconds);
  }
  return byKind;
}

const sql = connect(job.dbUrl, { max: 8 });
const registered = connectors.map((c): Connector => (c.provider === job.provider && job.unpaced ? { ...c, rateLimits: { ...c.rateLimits, perSecond: 1e6, perMinute: 1e9, headroom: 1 } } : c));
const deps = createSyncDeps({ sql, secretKey: Buffer.from(job.secretKeyHex, 'hex'), registry: new ConnectorRegistry(registered), gate: createMemoryRateGate() });
const before = status();
const peak = { heapUsed: 0, external: 0, arrayBuffers: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  peak.external = Math.max(peak.external, m.external);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
}, 100);
// BENCH_ALLOC_PROF=FILE: a sampling profile of every allocation (garbage included), written when the sync ends.
const allocProf = process.env['BENCH_ALLOC_PROF'];
const inspector = allocProf ? new (await import('node:inspector')).Session() : null;
const post = (method: string, params?: object) => new Promise<{ profile: unknown }>((res, rej) => inspector!.post(method, params, (e, r) => (e ? rej(e) : res(r as { profile: unknown }))));
if (inspector) {
  inspector.connect();
  await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
const cpuBefore = process.cpuUsage();
const threadsBefore = threadCpu();
const eluBefore = performance.eventLoopUtilization();
const started = Date.now();
let lastProgress = 0;
const report = await syncConnection(deps, job.tenantId, job.connectionId, {
  onProgress(p) {
    if (Date.now() - lastProgress > 5000) {
      lastProgress = Date.now();
      const s = status();
      process.stderr.write(`  ${p.stream}: ${p.records} records (rss ${Math.round(s.rss / 1048576)} MB, peak ${Math.round(s.hwm / 1048576)} MB)\n`);
    }
  },
});
const wallS = (Date.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const threadsAfter = threadCpu();
const threadCpuS = Object.fromEntries([...threadsAfter].map(([k, v]) => [k, Math.round((v - (threadsBefore.get(k) ?? 0)) * 100) / 100]));
const elu = performance.eventLoopUtilization(eluBefore).utilization;
clearInterval(sampler);
if (inspector) {
  const { profile } = await post('HeapProfiler.stopSampling');
  writeFileSync(allocProf!, JSON.stringify(profile));
}
const after = status();
await sql.end({ timeout: 5 });
const records = report.streams.reduce((a, s) => a + s.records, 0);
process.stdout.write(`${JSON.stringify({ status: report.status, error: report.error, records, requests: report.requests, throttled: report.throttled, wallS, cpuS: (cpu.user + cpu.system) / 1e6, threadCpuS, elu, rssBeforeSync: before.rss, peakRss: after.hwm, ...peak })}\n`);
process.exit(0);
