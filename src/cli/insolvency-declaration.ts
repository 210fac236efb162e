// `relance insolvency-declaration --tenant T --connection C --customer X [--notice ID] [--out FILE.pdf] [--retention-of-title]
// [--guarantee TEXT ...]`: the claim declaration (French déclaration de créance or UK proof of debt) for a customer under
// insolvency proceedings, at the judgment date, as one PDF; writes nothing else.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { AddedRates } from '../rules/rate-tables.js';
import { customerDeclaration, DeclarationRefused } from '../insolvency/declaration-service.js';
import { openRuntime } from '../runtime.js';
import { findConnectionById, getTenant } from '../store/tenants.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function runInsolvencyDeclaration(args: string[], config: Config, added: AddedRates, now = new Date()): Promise<number> {
  const parsed = parseArgs(args, { values: ['tenant', 'connection', 'customer', 'notice', 'out'], flags: ['retention-of-title'], lists: ['guarantee'] });
  if (parsed.positional.length) throw new UsageError(`unexpected argument "${parsed.positional[0]}": give --tenant, --connection and --customer`);
  const tenantId = parsed.values.get('tenant');
  const connectionId = parsed.values.get('connection');
  const customerId = parsed.values.get('customer');
  if (!tenantId || !connectionId || !customerId) throw new UsageError('give --tenant, --connection and --customer');
  if (!UUID.test(tenantId)) throw new UsageError(`--tenant "${tenantId}" is not a tenant id (a UUID)`);
  if (!UUID.test(connectionId)) throw new UsageError(`--connection "${connectionId}" is not a connection id (a UUID): \`relance connect\` prints it`);
  const guarantees = parsed.lists.get('guarantee') ?? [];
  if (guarantees.some((g) => !g.trim())) throw new UsageError('--guarantee needs a description, e.g. --guarantee "Caution personnelle du dirigeant"');
  const runtime = await openRuntime(config);
  try {
    const connection = await findConnectionById(runtime.sql, connectionId);
    // A connection of another tenant is answered as unknown: one tenant never learns of another's connections.
    if (!connection || connection.tenantId !== tenantId) throw new UsageError(`no connection ${connectionId} for tenant ${tenantId}`);
    const tenant = await getTenant(runtime.sql, tenantId);
    if (!tenant) throw new UsageError(`no tenant ${tenantId}`);
    let r;
    try {
      r = await customerDeclaration(runtime.sql, tenant, connection.id, customerId, {
        ...(parsed.values.get('notice') ? { noticeId: parsed.values.get('notice')! } : {}),
        retentionOfTitle: parsed.flags.has('retention-of-title'),
        guarantees,
        now,
        added,
      });
    } catch (e) {
      if (e instanceof DeclarationRefused) throw new UsageError(e.message);
      throw e;
    }
    const d = r.declaration;
    const t = d.statement.totals;
    const out = parsed.values.get('out');
    if (out) writeFileSync(out, r.pdf);
    const kind = d.jurisdiction === 'FR' ? 'déclaration de créance' : 'proof of debt';
    process.stdout.write(`${kind} for ${customerId} (notice ${r.notice.noticeId}, judgment ${d.judgmentDate}): ${d.statement.lines.length} invoice(s), principal ${t.principalDue}, interest to ${d.asOf} ${t.interest}, fixed sums ${t.compensation}, claimed ${d.net} ${d.statement.currency}\n`);
    if (d.deadline) process.stdout.write(`Send it to the mandataire by ${d.deadline} (publication ${r.notice.publicationDate} + ${d.deadlineMonths} months).\n`);
    if (d.revendicationDeadline) process.stdout.write(`Retention of title: claim the goods by ${d.revendicationDeadline}.\n`);
    for (const x of d.excluded) process.stdout.write(`not declared: ${x.number} (${x.reason === 'issued_after_judgment' ? 'issued after the judgment: paid at term' : 'nothing due at the judgment date'})\n`);
    for (const x of r.otherCurrency) process.stdout.write(`not declared: ${x}, another currency: declare it by hand, converted at the judgment date's rate\n`);
    for (const m of d.missing) process.stdout.write(`to complete: ${m}\n`);
    process.stdout.write(out ? `PDF written to ${out} (${r.pdf.length} bytes, sha256 ${r.sha256})\n` : 'Give --out FILE.pdf to write the PDF.\n');
    return 0;
  } finally {
    await runtime.close();
  }
}
