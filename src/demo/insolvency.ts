// The insolvency publisher for a demo company: the BODACC simulator (src/simulator/bodacc.ts) on a loopback port for
// the length of one watch run, serving a SIMULATED opening judgment for one customer of the demo, so a demo shows
// what a real notice does (pauses, the claim-declaration task, the badge). Real companies never read it, and a
// simulated notice is stored only for the demo connection's own customers (watch.ts keeps notices per connection).
//
// Which customer: the first, by id, that carries a SIREN and owes an invoice issued before the judgment; once a
// simulated notice is stored, the same SIREN keeps being served, so the story stays the same whatever syncs later.
// The dates hang off the day the demo was connected (judgment 12 days before, publication 5 days before), so they
// never move from one run to the next.
import { serveBodacc, simulatedNotice } from '../simulator/bodacc.js';
import type { Sql } from '../store/db.js';
import { addDays } from '../model/index.js';

export const DEMO_NOTICE_PREFIX = 'A2099';

export interface DemoPublisher {
  base: string;
  close(): Promise<void>;
}

export async function demoNotices(sql: Sql, tenantId: string, connectionId: string): Promise<Record<string, unknown[]>> {
  const [conn] = await sql<{ created_on: string }[]>`select (created_at at time zone 'UTC')::date::text as created_on from connections where tenant_id = ${tenantId} and id = ${connectionId}`;
  if (!conn) return {};
  const judged = addDays(conn.created_on, -12);
  const published = addDays(conn.created_on, -5);
  const [kept] = await sql<{ reg_no: string }[]>`
    select reg_no from insolvency_notices where tenant_id = ${tenantId} and connection_id = ${connectionId} and notice_id like ${DEMO_NOTICE_PREFIX + '%'} limit 1`;
  const [picked] = kept
    ? [kept]
    : await sql<{ reg_no: string }[]>`
        select c.watched_reg_no as reg_no from customers c
        where c.tenant_id = ${tenantId} and c.connection_id = ${connectionId} and c.watched_reg_no is not null and c.active
          and exists (select 1 from invoices i where i.tenant_id = c.tenant_id and i.connection_id = c.connection_id and i.customer_external_id = c.external_id
                      and i.status in ('open', 'partially_paid') and i.amount_due > 0 and i.issue_date < ${judged}::date)
        order by c.external_id limit 1`;
  if (!picked) return {};
  const siren = picked.reg_no;
  return {
    [siren]: [
      simulatedNotice(siren, {
        id: `${DEMO_NOTICE_PREFIX}${siren}`,
        published,
        judged,
        nature: "Jugement d'ouverture d'une procédure de redressement judiciaire",
        court: 'TRIBUNAL DE COMMERCE DE LYON',
        mandataire: 'SELARL Mandataires Associés (simulé), 12 rue de la République 69002 Lyon',
      }),
    ],
  };
}

/** Serves the demo's simulated publisher; the caller closes it when the run is over. */
export async function serveDemoPublisher(sql: Sql, tenantId: string, connectionId: string): Promise<DemoPublisher> {
  const served = await serveBodacc(await demoNotices(sql, tenantId, connectionId));
  return { base: served.simulator.base, close: () => served.close() };
}
