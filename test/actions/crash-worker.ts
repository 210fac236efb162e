// Child process for the crash-safety test: runs executeDue once and SIGKILLs itself at the transition point named by CRASH_AT.
import { executeDue, type CrashPoint } from '../../src/actions/executor.js';
import { connect } from '../../src/store/db.js';
import { makeDeps } from './fixtures.js';

const env = process.env;
const sql = connect(env.DATABASE_URL as string, { max: 2 });
const crashAt = env.CRASH_AT as CrashPoint | undefined;
const crashOn = Number(env.CRASH_ON ?? '1');
let reached = 0;
const lookup = env.LOOKUP_URL;
const deps = makeDeps(sql, Number(env.SMTP_PORT), {
  // Lease 0: the restarted worker takes over what the killed one left in `sending` at once.
  options: { leaseMs: 0, concurrency: Number(env.CONCURRENCY ?? '1'), ...(env.IN_DOUBT === 'fail' ? { inDoubt: 'fail' as const } : {}) },
  hook: (point) => {
    if (point !== crashAt || ++reached !== crashOn) return;
    if (point !== 'handing') {
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    // The message is on its way with its end held: give the session time to send MAIL, RCPT, DATA and the body, then die.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300);
    return new Promise<void>(() => undefined);
  },
  ...(lookup ? { delivered: async (id: string) => (await (await fetch(`${lookup}?id=${encodeURIComponent(id)}`)).text()) === 'true' } : {}),
});
const summary = await executeDue(deps, env.TENANT_ID as string, new Date(env.NOW as string));
process.stdout.write(JSON.stringify({ summary, alerts: deps.alerts.map((a) => a.key) }));
deps.smtp?.transport.close();
await sql.end({ timeout: 5 });
