// The insolvency publishers for a demo company: the BODACC simulator (src/simulator/bodacc.ts) and the Companies House
// simulator (src/simulator/companies-house.ts) on loopback ports for the length of one watch run, serving a SIMULATED
// opening judgment for one French customer of the demo and a SIMULATED administration for one UK customer (when the
// demo has customers with such numbers), so a demo shows what a real notice does (pauses, the claim task, the badge).
// Real companies never read them, and a simulated notice is stored only for the demo connection's own customers
// (watch.ts keeps notices per connection).
//
// Which customer: for each register, the first, by id, that carries a number of that kind (a SIREN has 9 digits, a UK
// company number 8 characters) and owes an invoice issued before the judgment; once a simulated notice is stored, the
// same number keeps being served, so the story stays the same whatever syncs later. The dates hang off the day the demo
// was connected (judgment or start of the case 12 days before, publication 5 days before), so they never move.
import { serveBodacc, simulatedNotice } from '../simulator/bodacc.js';
import { serveCompaniesHouse, simulatedCase } from '../simulator/companies-house.js';
import type { Sql } from '../store/db.js';
import { addDays } from '../model/index.js';

export const DEMO_NOTICE_PREFIX = 'A2099';

export interface DemoPublisher {
  base: string;
  /** The Companies House simulator's base and the key it accepts. */
  companiesHouse: { base: string; apiKey: string };
  close(): Promise<void>;
}

type Kind = 'siren' | 'uk';

async function demoDates(sql: Sql, tenantId: string, connectionId: string) {
  const [conn] = await sql<{ created_on: string }[]>`select (created_at at time zone 'UTC')::date::text as created_on from connections where tenant_id = ${tenantId} and id = ${connectionId}`;
  return conn ? { judged: addDays(conn.created_on, -12), published: addDays(conn.created_on, -5) } : null;
}

/** The number a simulated notice is served for: the one already stored, else the first customer of that kind owing a pre-judgment invoice. */
async function pickRegNo(sql: Sql, tenantId: string, connectionId: string, kind: Kind, judged: string): Promise<string | null> {
  const [kept] = kind === 'siren'
    ? await sql<{ reg_no: string }[]>`
        select reg_no from insolvency_notices where tenant_id = ${tenantId} and connection_id = ${connectionId} and notice_id like ${DEMO_NOTICE_PREFIX + '%'} limit 1`
    : await sql<{ reg_no: string }[]>`
        select reg_no from insolvency_notices where tenant_id = ${tenantId} and connection_id = ${connectionId} and source = 'companies_house' limit 1`;
  if (kept) return kept.reg_no;
  const [picked] = await sql<{ reg_no: string }[]>`
    select c.watched_reg_no as reg_no from customers c
    where c.tenant_id = ${tenantId} and c.connection_id = ${connectionId} and c.watched_reg_no is not null and c.active
      and length(c.watched_reg_no) = ${kind === 'siren' ? 9 : 8}
      and exists (select 1 from invoices i where i.tenant_id = c.tenant_id and i.connection_id = c.connection_id and i.customer_external_id = c.external_id
                  and i.status in ('open', 'partially_paid') and i.amount_due > 0 and i.issue_date < ${judged}::date)
    order by c.external_id limit 1`;
  return picked?.reg_no ?? null;
}

export async function demoNotices(sql: Sql, tenantId: string, connectionId: string): Promise<Record<string, unknown[]>> {
  const dates = await demoDates(sql, tenantId, connectionId);
  if (!dates) return {};
  const siren = await pickRegNo(sql, tenantId, connectionId, 'siren', dates.judged);
  if (!siren) return {};
  return {
    [siren]: [
      simulatedNotice(siren, {
        id: `${DEMO_NOTICE_PREFIX}${siren}`,
        published: dates.published,
        judged: dates.judged,
        nature: "Jugement d'ouverture d'une procédure de redressement judiciaire",
        court: 'TRIBUNAL DE COMMERCE DE LYON',
        mandataire: 'SELARL Mandataires Associés (simulé), 12 rue de la République 69002 Lyon',
      }),
    ],
  };
}

/** The simulated Companies House cases of a demo: an administration of one UK customer, started on the demo's judgment day. */
export async function demoCases(sql: Sql, tenantId: string, connectionId: string): Promise<Record<string, unknown[]>> {
  const dates = await demoDates(sql, tenantId, connectionId);
  if (!dates) return {};
  const number = await pickRegNo(sql, tenantId, connectionId, 'uk', dates.judged);
  if (!number) return {};
  return {
    [number]: [
      simulatedCase({
        number: 1,
        type: 'in-administration',
        dates: [{ type: 'administration-started-on', date: dates.judged }],
        practitioners: [
          { name: 'Alex Morgan (simulated)', role: 'practitioner', appointed_on: dates.judged, address: { address_line_1: '10 Simulated Row', locality: 'Manchester', postal_code: 'M1 1AA' } },
          { name: 'Sam Patel (simulated)', role: 'practitioner', appointed_on: dates.judged, address: { address_line_1: '10 Simulated Row', locality: 'Manchester', postal_code: 'M1 1AA' } },
        ],
      }),
    ],
  };
}

/** Serves the demo's simulated publishers; the caller closes them when the run is over. */
export async function serveDemoPublisher(sql: Sql, tenantId: string, connectionId: string): Promise<DemoPublisher> {
  const bodacc = await serveBodacc(await demoNotices(sql, tenantId, connectionId));
  const ch = await serveCompaniesHouse(await demoCases(sql, tenantId, connectionId));
  return {
    base: bodacc.simulator.base,
    companiesHouse: { base: ch.simulator.base, apiKey: ch.simulator.apiKey },
    close: async () => { await Promise.all([bodacc.close(), ch.close()]); },
  };
}
