// `relance sync <connection-id> [--full] [--json]`: one sync with a progress bar, then a summary (records per entity, quarantined, requests, 429s, duration).
import { MultiBar, Presets } from 'cli-progress';
import type { SimulatorLoaders } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import type { Config } from '../config.js';
import { openService } from '../service.js';
import { findConnectionById } from '../store/tenants.js';
import { hostDemosFor } from '../demo/host.js';
import { syncConnection, type SyncReport } from '../sync/engine.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

export function formatReport(report: SyncReport): string {
  const head = ['stream', 'records', 'inserted', 'updated', 'unchanged', 'deleted', 'quarantined', 'skipped'];
  const rows = report.streams.map((s) => [s.stream, s.records, s.inserted, s.updated, s.unchanged, s.deleted, s.quarantined, s.skipped].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const status = { ok: 'Sync finished', busy: 'Sync skipped', paused: 'Sync paused (quota)', failed: 'Sync FAILED', needs_reconnect: 'Sync stopped: reconnect the company' }[report.status];
  return [
    `${status}: ${report.provider} connection ${report.connectionId} in ${(report.durationMs / 1000).toFixed(1)} s, ${report.requests} requests, ${report.throttled} throttled (429).`,
    line(head),
    ...rows.map(line),
    ...(report.error ? [`Error: ${report.error}`] : []),
  ].join('\n');
}

export async function runSync(args: string[], config: Config, connectors: readonly Connector[], simulators: SimulatorLoaders): Promise<number> {
  const parsed = parseArgs(args, { flags: ['full', 'json'] });
  const [connectionId, extra] = parsed.positional;
  if (!connectionId || extra) throw new UsageError('give exactly one connection id (relance connect … prints it)');
  const json = parsed.flags.has('json');
  const closers: (() => Promise<void>)[] = [];
  const service = await openService(config, connectors, { simulators, say: (line) => (json ? undefined : process.stderr.write(`${line}\n`)) });
  try {
    const connection = await findConnectionById(service.runtime.sql, connectionId);
    if (!connection) throw new UsageError(`no connection ${connectionId}`);
    const closeDemo = await hostDemosFor(config.home, [connection], service.registry, (line) => process.stderr.write(`${line}\n`));
    closers.push(closeDemo);
    const interactive = !json && process.stderr.isTTY;
    const bars = interactive ? new MultiBar({ format: ' {stream} |{bar}| {records} records, {pages} pages', hideCursor: true, clearOnComplete: false }, Presets.shades_classic) : null;
    const perStream = new Map<string, ReturnType<MultiBar['create']>>();
    const report = await syncConnection(service.sync, connection.tenantId, connection.id, {
      full: parsed.flags.has('full'),
      onProgress(p) {
        if (bars) {
          const bar = perStream.get(p.stream) ?? perStream.set(p.stream, bars.create(0, 0, { stream: p.stream.padEnd(12) })).get(p.stream)!;
          bar.setTotal(p.pages + 1);
          bar.update(p.pages, { records: p.records, pages: p.pages, stream: p.stream.padEnd(12) });
        } else if (!json) {
          process.stderr.write(`  ${p.stream}: ${p.records} records (${p.pages} pages)\n`);
        }
      },
    });
    bars?.stop();
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    if (report.status === 'failed' && !json) process.stderr.write('Fix the cause above and run the same command again: the sync resumes from the last saved page.\n');
    return report.status === 'failed' || report.status === 'needs_reconnect' ? 1 : 0;
  } finally {
    for (const close of closers) await close();
    await service.close();
  }
}
