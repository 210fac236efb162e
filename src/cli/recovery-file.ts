// `relance recovery-file <connection-id> <customer-id> [--as-of DATE] [--out FILE.pdf] [--zip FILE.zip] [--json] [--csv]`: a
// customer's recovery file (French requête or UK Letter of Claim) as one PDF, with the claim and what is missing; with
// --zip, the documents as a ZIP too, each invoice's PDF read from the books through the connector (a demo company hosted
// meanwhile). Writes nothing else.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { SimulatorLoaders } from '../connectors/registry.js';
import type { Connector } from '../connectors/types.js';
import { hostDemosFor } from '../demo/host.js';
import { invoicePdfFromBooks } from '../recovery/books.js';
import { recoveryZip } from '../recovery/zip.js';
import { openService } from '../service.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { customerRecoveryFile } from '../recovery/service.js';
import { isBusinessDate } from '../model/index.js';
import { openRuntime } from '../runtime.js';
import { findConnectionById, getTenant } from '../store/tenants.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

export async function runRecoveryFile(args: string[], config: Config, added: AddedRates, shipped: { connectors: readonly Connector[]; simulators: SimulatorLoaders }, now = new Date()): Promise<number> {
  const parsed = parseArgs(args, { values: ['out', 'as-of', 'zip'], flags: ['json', 'csv'] });
  const [connectionId, customerId, extra] = parsed.positional;
  if (!connectionId || !customerId || extra) throw new UsageError('give a connection id and a customer id');
  const asOf = parsed.values.get('as-of');
  if (asOf !== undefined && !isBusinessDate(asOf)) throw new UsageError(`--as-of "${asOf}" is not a date written YYYY-MM-DD`);
  // The claim is stated as of that day in the company's time zone (noon UTC falls on that date in every zone we serve).
  if (asOf) now = new Date(`${asOf}T12:00:00Z`);
  const zipOut = parsed.values.get('zip');
  // The ZIP reads the invoices from the books: the whole service (connectors, rate gate); the rest needs only the database.
  const service = zipOut ? await openService(config, shipped.connectors, { simulators: shipped.simulators, addedRates: added, say: (line) => process.stderr.write(`${line}\n`) }) : null;
  const runtime = service ? service.runtime : await openRuntime(config);
  const closers: (() => Promise<void>)[] = [];
  try {
    const connection = await findConnectionById(runtime.sql, connectionId);
    if (!connection) throw new UsageError(`no connection ${connectionId}`);
    const tenant = await getTenant(runtime.sql, connection.tenantId);
    if (!tenant) throw new UsageError(`no connection ${connectionId}`);
    if (service) closers.push(await hostDemosFor(config.home, [connection], service.registry, (line) => process.stderr.write(`${line}\n`)));
    const r = await customerRecoveryFile(runtime.sql, tenant, connection.id, customerId, now, { added, ...(service ? { invoicePdf: invoicePdfFromBooks(service.sync, tenant.id, connection.id) } : {}) });
    if (!r) throw new UsageError(`customer ${customerId} has no overdue invoice to claim on this connection`);
    const out = parsed.values.get('out');
    if (out) writeFileSync(out, r.file.pdf);
    if (zipOut) writeFileSync(zipOut, await recoveryZip(runtime.sql, tenant.id, connection.id, customerId, r));
    if (parsed.flags.has('json')) process.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
    else if (parsed.flags.has('csv')) process.stdout.write(r.csv);
    else {
      const t = r.statement.totals;
      process.stdout.write(`${r.statement.jurisdiction} recovery file for ${customerId}: ${r.statement.lines.length} invoice(s), principal ${t.principalDue}, interest ${t.interest}, fixed sums ${t.compensation}, claimed ${t.claimed} ${r.statement.currency}\n`);
      if (r.file.smallClaim) process.stdout.write('At most 5,000 EUR: the petites créances route is offered in the file.\n');
      for (const m of r.file.missing) process.stdout.write(`missing: ${m.code}${m.ref ? ` ${m.ref}` : ''}\n`);
      process.stdout.write(out ? `PDF written to ${out} (${r.file.pdf.length} bytes, sha256 ${r.file.sha256})\n` : 'Give --out FILE.pdf to write the PDF.\n');
      if (zipOut) process.stdout.write(`ZIP written to ${zipOut}: ${r.originals.size} of ${r.invoices.length} invoice(s) as the books render them${r.originals.size < r.invoices.length ? ', the others as marked copies' : ''}\n`);
    }
    return 0;
  } finally {
    for (const close of closers) await close();
    if (service) await service.close();
    else await runtime.close();
  }
}
