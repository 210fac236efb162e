// `relance rates [--refresh] [--json]`: the known reference-rate periods per rate with their source; --refresh fetches now.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { dateInZone } from '../model/index.js';
import { refreshRates } from '../rates/refresh.js';
import { missingRates } from '../rates/staleness.js';
import type { AddedRates, RateBook } from '../rules/rate-tables.js';
import { openRuntime } from '../runtime.js';
import { listStoredRates, loadRateBook } from '../store/rates.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

/** A publisher skipped for want of its API key is a known state, said on its line, not a failure of the refresh. */
const failed = (o: { status: string }) => o.status !== 'ok' && o.status !== 'skipped';

export async function runRates(args: string[], config: Config, added: AddedRates): Promise<number> {
  const parsed = parseArgs(args, { flags: ['refresh', 'json'] });
  if (parsed.positional.length) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const runtime = await openRuntime(config);
  try {
    const today = dateInZone(new Date(), config.DEFAULT_TIME_ZONE);
    const outcomes = parsed.flags.has('refresh') ? await refreshRates({ sql: runtime.sql, today }) : [];
    const stored = await listStoredRates(runtime.sql);
    const missing = missingRates({ ...(await loadRateBook(runtime.sql)), added }, today);
    if (parsed.flags.has('json')) {
      process.stdout.write(`${JSON.stringify({ today, refreshed: outcomes, stored, missing }, null, 2)}\n`);
      return outcomes.some(failed) ? 1 : 0;
    }
    for (const o of outcomes) process.stdout.write(`${o.kind.padEnd(19)} ${o.status.padEnd(11)} ${o.stored.length ? `stored ${o.stored.join(', ')}` : 'nothing new'}${o.reason ? `: ${o.reason}` : ''}${o.revisions.map((r) => `; REVISED ${r.period} ${r.storedValue} → ${r.offeredValue} (stored value kept)`).join('')}\n`);
    process.stdout.write(stored.length ? 'Fetched reference rates (the shipped table and RATES_FILE also apply):\n' : 'No fetched reference rates yet: run `relance rates --refresh`.\n');
    for (const r of stored) process.stdout.write(`  ${r.kind.padEnd(19)} ${r.period}  ${r.value.padStart(6)} %  on ${r.effectiveOn} (published ${r.publishedOn}, fetched ${r.fetchedAt.toISOString()})  ${r.sourceUrl}\n`);
    for (const m of missing) process.stdout.write(`STALE ${m.kind} ${m.period}: ${m.message}\n`);
    return outcomes.some(failed) ? 1 : 0;
  } finally {
    await runtime.close();
  }
}

/**
 * The fetched rates for `relance penalty`, which needs no configuration: read from the database when one is
 * configured (DATABASE_URL) or the embedded one exists; otherwise none (the shipped table and RATES_FILE still apply).
 */
export async function fetchedRatesIfAny(config: Config | null): Promise<RateBook | undefined> {
  if (!config || (!config.DATABASE_URL && !existsSync(join(config.home, 'pgdata')))) return undefined;
  // Read only: a penalty computation never migrates or writes; a database without the rates table has none fetched.
  const runtime = await openRuntime(config, { migrate: false });
  try {
    return await loadRateBook(runtime.sql);
  } catch (err) {
    process.stderr.write(`No fetched reference rates read (${err instanceof Error ? err.message : String(err)}); using RATES_FILE and the shipped table.\n`);
    return undefined;
  } finally {
    await runtime.close();
  }
}
