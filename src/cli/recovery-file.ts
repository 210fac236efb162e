// `relance recovery-file <connection-id> <customer-id> [--as-of DATE] [--out FILE.pdf] [--json] [--csv]`: a customer's recovery
// file (French requête or UK Letter of Claim) as one PDF, with the claim and what is missing; writes nothing else.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { customerRecoveryFile } from '../recovery/service.js';
import { isBusinessDate } from '../model/index.js';
import { openRuntime } from '../runtime.js';
import { findConnectionById, getTenant } from '../store/tenants.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runRecoveryFile(args: string[], config: Config, added: AddedRates, now = new Date()): Promise<number> {
  const parsed = parseArgs(args, { values: ['out', 'as-of'], flags: ['json', 'csv'] });
  const [connectionId, customerId, extra] = parsed.positional;
  if (!connectionId || !customerId || extra) throw new UsageError('give a connection id and a customer id');
  const asOf = parsed.values.get('as-of');
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new UsageError(`--as-of "${asOf}" is not a date written YYYY-MM-DD`);
  // The claim is stated as of that day in the company's time zone (noon UTC falls on that date in every zone we serve).
  if (asOf) now = new Date(`${asOf}T12:00:00Z`);
  const runtime = await openRuntime(config);
  try {
    const connection = await findConnectionById(runtime.sql, connectionId);
    if (!connection) throw new UsageError(`no connection ${connectionId}`);
    const tenant = await getTenant(runtime.sql, connection.tenantId);
    if (!tenant) throw new UsageError(`no connection ${connectionId}`);
    const r = await customerRecoveryFile(runtime.sql, tenant, connection.id, customerId, now, { added });
    if (!r) throw new UsageError(`customer ${customerId} has no overdue invoice to claim on this connection`);
    const out = parsed.values.get('out');
    if (out) writeFileSync(out, r.file.pdf);
    if (parsed.flags.has('json')) process.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
    else if (parsed.flags.has('csv')) process.stdout.write(r.csv);
    else {
      const t = r.statement.totals;
      process.stdout.write(`${r.statement.jurisdiction} recovery file for ${customerId}: ${r.statement.lines.length} invoice(s), principal ${t.principalDue}, interest ${t.interest}, fixed sums ${t.compensation}, claimed ${t.claimed} ${r.statement.currency}\n`);
      if (r.file.smallClaim) process.stdout.write('At most 5,000 EUR: the petites créances route is offered in the file.\n');
      for (const m of r.file.missing) process.stdout.write(`missing: ${m.code}${m.ref ? ` ${m.ref}` : ''}\n`);
      process.stdout.write(out ? `PDF written to ${out} (${r.file.pdf.length} bytes, sha256 ${r.file.sha256})\n` : 'Give --out FILE.pdf to write the PDF.\n');
    }
    return 0;
  } finally {
    await runtime.close();
  }
}
