// `relance preview <connection-id> --days N [--json]`: what would be sent in the next N days, and why; writes nothing.
import { previewConnection } from '../collections/run.js';
import type { Config } from '../config.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { openRuntime } from '../runtime.js';
import { getSending } from '../store/sending.js';
import { findConnectionById } from '../store/tenants.js';
import { intOption, parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runPreview(args: string[], config: Config, added: AddedRates): Promise<number> {
  const parsed = parseArgs(args, { values: ['days'], flags: ['json'] });
  const [connectionId, extra] = parsed.positional;
  if (!connectionId || extra) throw new UsageError('give exactly one connection id (relance connect … prints it)');
  const days = intOption(parsed, 'days', 30, 1);
  const runtime = await openRuntime(config);
  try {
    const connection = await findConnectionById(runtime.sql, connectionId);
    if (!connection) throw new UsageError(`no connection ${connectionId}`);
    const result = await previewConnection(runtime.sql, connection.tenantId, connection.id, days, new Date(), added);
    if (parsed.flags.has('json')) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const rows = result.days.flatMap((d) => [
      // Planned earlier and still in the outbox: these go out first.
      ...(d.alreadyPlanned ?? []).map((a) => `${d.date}  ${a.channel.padEnd(9)} ${a.stepId.padEnd(16)} ${a.netDue.padStart(12)} ${a.currency}  already planned: ${a.explain}`),
      ...d.actions.map((a) => `${d.date}  ${a.channel.padEnd(9)} ${a.stepId.padEnd(16)} ${a.netDue.padStart(12)} ${a.currency}  ${a.explain}`),
      // What waits, said on the day the wait starts: an escalation step waiting for its predecessor, a rollover.
      ...d.held.map((h) => `${d.date}  ${'waits'.padEnd(9)} ${(h.stepId ?? '-').padEnd(16)} ${''.padStart(12)}      invoice ${h.invoiceExternalId}: ${h.reason}`),
    ]);
    process.stdout.write(`Preview for ${connection.provider} connection ${connection.id}, ${days} days from ${result.today}:\n`);
    process.stdout.write(rows.length ? `${rows.join('\n')}\n` : 'Nothing would be sent.\n');
    const planned = result.days.reduce((n, d) => n + d.actions.length + (d.alreadyPlanned?.length ?? 0), 0);
    const waiting = result.days.reduce((n, d) => n + d.held.length, 0);
    process.stdout.write(`${planned} action(s) planned, ${waiting} wait(s) noted. Nothing was sent or written.\n`);
    if ((await getSending(runtime.sql, connection.tenantId, connection.id))?.enabled === false) {
      process.stdout.write(`Sending is off for this connection: once this looks right, run: relance sending ${connection.id} on\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}
