// `relance sending <connection-id> [on|off] [--json]`: shows or flips a connection's sending switch, recorded in the activity log with who did it.
import { userInfo } from 'node:os';
import { heldItems } from '../actions/outbox-lease.js';
import type { Config } from '../config.js';
import { createBullQueue } from '../queue/index.js';
import { openRuntime } from '../runtime.js';
import { getSending, setSending, type SendingState } from '../store/sending.js';
import { findConnectionById, getTenant } from '../store/tenants.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

/** Who ran the command, as the activity log shows it. */
function cliActor(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return 'cli';
  }
}

const since = (s: SendingState) => (s.changedAt ? ` since ${s.changedAt.toISOString()}${s.changedBy ? ` (by ${s.changedBy})` : ''}` : '');

export async function runSending(args: string[], config: Config): Promise<number> {
  const parsed = parseArgs(args, { flags: ['json'] });
  const [connectionId, position, extra] = parsed.positional;
  if (!connectionId || extra) throw new UsageError('give one connection id, then on or off (relance connect … prints the id; the Connections page shows it too)');
  if (position !== undefined && position !== 'on' && position !== 'off') throw new UsageError(`say "on" or "off", not "${position}"`);
  const runtime = await openRuntime(config);
  try {
    const connection = await findConnectionById(runtime.sql, connectionId);
    if (!connection) throw new UsageError(`no connection ${connectionId}: use the id "relance connect" printed, or the one on the Connections page`);
    const tenant = await getTenant(runtime.sql, connection.tenantId);
    const label = `${connection.provider} connection ${connection.id}${tenant ? ` (company "${tenant.name}")` : ''}`;
    const change = position === undefined ? null : await setSending(runtime.sql, connection.tenantId, connection.id, position === 'on', cliActor(), 'cli');
    const state = change?.state ?? (await getSending(runtime.sql, connection.tenantId, connection.id));
    if (!state) throw new UsageError(`no connection ${connectionId}`);
    const waiting = (await heldItems(runtime.sql, connection.tenantId, new Date())).find((h) => h.connectionId === connection.id)?.due ?? 0;
    // Workers on Redis are told at once; the in-process queue of a running `relance start` finds them at its next sweep.
    let woken = false;
    if (change?.changed && state.enabled && config.REDIS_URL) {
      const queue = createBullQueue(config.REDIS_URL);
      try {
        await queue.enqueue('actions', { tenantId: connection.tenantId }, { jobId: `actions:${connection.tenantId}` });
        woken = true;
      } finally {
        await queue.close();
      }
    }
    if (parsed.flags.has('json')) {
      process.stdout.write(`${JSON.stringify({ connectionId: connection.id, enabled: state.enabled, changed: change?.changed ?? false, changedAt: state.changedAt?.toISOString() ?? null, changedBy: state.changedBy, held: waiting }, null, 2)}\n`);
      return 0;
    }
    const word = state.enabled ? 'ON' : 'OFF';
    if (!change) {
      process.stdout.write(`Sending is ${word} for ${label}${since(state)}.\n`);
      if (!state.enabled) process.stdout.write(`${waiting} due action(s) are waiting. Review them with "relance preview ${connection.id}", then: relance sending ${connection.id} on\n`);
      return 0;
    }
    if (!change.changed) {
      process.stdout.write(`Sending was already ${word} for ${label}${since(state)}; nothing changed.\n`);
      return 0;
    }
    process.stdout.write(`Sending is now ${word} for ${label}. Recorded in the activity log as ${state.changedBy}.\n`);
    if (state.enabled) {
      process.stdout.write(
        woken
          ? 'Planned reminders, letters, tasks and ERP write-backs that are due go out now (the workers were woken through REDIS_URL).\n'
          : 'Planned reminders, letters, tasks and ERP write-backs that are due go out at the running service\'s next pass (within a minute).\n',
      );
    } else {
      process.stdout.write(`Nothing more is sent: planned actions stay planned (none is cancelled), one already being sent finishes. ${waiting} due action(s) are waiting. Turn it back on with: relance sending ${connection.id} on\n`);
    }
    return 0;
  } finally {
    await runtime.close();
  }
}
