// Recovery cases (#25.5): what happened after a file was handed over, on the worklist and the customer's page. Opened
// by the hand-off; moved forward by a person (sent → order obtained → served → paid → closed, a step may be skipped,
// never taken back); a payment received on its invoices after the hand-off shows on it (and goes to the agency's export).
// Each step is written back to the books on the case's invoices, as the hand-off itself is (once, through the outbox).
import type { Sql } from '../store/db.js';
import { atomically } from '../store/db.js';
import { planActions } from '../store/outbox.js';

export const CASE_STATES = ['sent', 'order_obtained', 'served', 'paid', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export interface RecoveryCase {
  id: string;
  connectionId: string;
  customerExternalId: string;
  customerName: string;
  invoiceExternalIds: string[];
  handedTo: string;
  state: CaseState;
  claimed: string | null;
  currency: string | null;
  openedOn: string;
  openedBy: string;
  events: { state: CaseState; on: string; note: string; actor: string }[];
  /** Payments allocated to the case's invoices dated on or after the hand-off: to report to the agency. */
  paymentsSince: { date: string; amount: string; currency: string; invoiceExternalId: string }[];
}

export async function openCase(sql: Sql, tenantId: string, c: { connectionId: string; customerExternalId: string; invoiceExternalIds: string[]; handedTo: string; claimed: string | null; currency: string | null; on: string; actor: string }): Promise<string> {
  return atomically(sql, async (db) => {
    const [row] = await db<{ id: string }[]>`
      insert into recovery_cases (tenant_id, connection_id, customer_external_id, invoice_external_ids, handed_to, claimed, currency, opened_on, opened_by)
      values (${tenantId}, ${c.connectionId}, ${c.customerExternalId}, ${c.invoiceExternalIds}, ${c.handedTo}, ${c.claimed}, ${c.currency}, ${c.on}, ${c.actor})
      on conflict (tenant_id, connection_id, customer_external_id, opened_on, handed_to) do nothing returning id::text`;
    if (!row) {
      const [existing] = await db<{ id: string }[]>`select id::text from recovery_cases where tenant_id = ${tenantId} and connection_id = ${c.connectionId}
        and customer_external_id = ${c.customerExternalId} and opened_on = ${c.on} and handed_to = ${c.handedTo}`;
      return existing!.id;
    }
    await db`insert into recovery_case_events (tenant_id, case_id, state, on_date, note, actor) values (${tenantId}, ${row.id}, 'sent', ${c.on}, ${''}, ${c.actor})`;
    return row.id;
  });
}

/** What the books say when a case reaches a state (the language of the company's books, not of the person clicking). */
export const CASE_WRITEBACK: Record<'fr' | 'en', Record<Exclude<CaseState, 'sent'>, string>> = {
  fr: { order_obtained: 'Recouvrement : ordonnance obtenue', served: 'Recouvrement : décision signifiée', paid: 'Recouvrement : payé', closed: 'Recouvrement : dossier clos' },
  en: { order_obtained: 'Recovery: order obtained', served: 'Recovery: judgment served', paid: 'Recovery: paid', closed: 'Recovery: case closed' },
};

/**
 * Moves a case forward; false when it is not this tenant's, or the state would go back (or stay). The step is
 * written back to the books on the case's invoices in the same transaction as the move: once per case and state,
 * whatever the retries, and held like any write-back while sending is off.
 */
export async function advanceCase(sql: Sql, tenantId: string, caseId: string, to: CaseState, on: string, note: string, actor: string, language: 'fr' | 'en' = 'fr'): Promise<boolean> {
  return atomically(sql, async (db) => {
    const [cur] = await db<{ state: CaseState; connection_id: string; customer_external_id: string; invoice_external_ids: string[]; handed_to: string }[]>`
      select state, connection_id::text, customer_external_id, invoice_external_ids, handed_to from recovery_cases where tenant_id = ${tenantId} and id = ${caseId} for update`;
    if (!cur || CASE_STATES.indexOf(to) <= CASE_STATES.indexOf(cur.state) || to === 'sent') return false;
    await db`update recovery_cases set state = ${to}, updated_at = now() where tenant_id = ${tenantId} and id = ${caseId}`;
    await db`insert into recovery_case_events (tenant_id, case_id, state, on_date, note, actor) values (${tenantId}, ${caseId}, ${to}, ${on}, ${note.slice(0, 1000)}, ${actor})`;
    const key = `${tenantId}|case|${caseId}|${to}`;
    const action = {
      idempotencyKey: key, tenantId, customerExternalId: cur.customer_external_id, stepId: 'handoff', channel: 'handoff', dueOn: on,
      explain: `${CASE_WRITEBACK[language][to]} (${cur.handed_to})`.slice(0, 200), invoices: [...cur.invoice_external_ids].sort().map((externalId) => ({ externalId })),
    };
    await planActions(db, tenantId, [{ idempotencyKey: `${key}|writeback`, kind: 'writeback', dueAt: new Date().toISOString(), payload: { action, proof: { case: caseId, state: to, by: actor } }, connectionId: cur.connection_id }]);
    return true;
  });
}

/** The tenant's cases (of one customer, or the open ones), newest first, with their events and the payments since. */
export async function listCases(sql: Sql, tenantId: string, f: { id?: string; connectionId?: string; customerExternalId?: string; open?: boolean } = {}): Promise<RecoveryCase[]> {
  const rows = await sql<{ id: string; connection_id: string; customer_external_id: string; name: string | null; invoice_external_ids: string[]; handed_to: string; state: CaseState; claimed: string | null; currency: string | null; opened_on: string; opened_by: string }[]>`
    select k.id::text, k.connection_id::text, k.customer_external_id, c.name, k.invoice_external_ids, k.handed_to, k.state, k.claimed::text, k.currency, k.opened_on::text, k.opened_by
    from recovery_cases k
    left join customers c on c.tenant_id = k.tenant_id and c.connection_id = k.connection_id and c.external_id = k.customer_external_id
    where k.tenant_id = ${tenantId}
      ${f.id ? sql`and k.id = ${f.id}` : sql``}
      ${f.connectionId ? sql`and k.connection_id = ${f.connectionId}` : sql``}
      ${f.customerExternalId ? sql`and k.customer_external_id = ${f.customerExternalId}` : sql``}
      ${f.open ? sql`and k.state <> 'closed'` : sql``}
    order by k.opened_on desc, k.updated_at desc`;
  if (rows.length === 0) return [];
  // Two queries for all the cases, not two per case (the worklist lists every open one).
  const ids = rows.map((r) => r.id);
  const events = await sql<{ case_id: string; state: CaseState; on: string; note: string; actor: string }[]>`
    select case_id::text, state, on_date::text as on, note, actor from recovery_case_events where tenant_id = ${tenantId} and case_id = any(${ids}::uuid[]) order by at, id`;
  const payments = await sql<{ connection_id: string; customer_external_id: string; date: string; amount: string; currency: string; invoiceExternalId: string }[]>`
    select p.connection_id::text, p.customer_external_id, p.data->>'date' as date, a->>'amount' as amount, p.data->>'currency' as currency, a->>'invoiceExternalId' as "invoiceExternalId"
    from payments p, jsonb_array_elements(p.data->'allocations') a
    where p.tenant_id = ${tenantId} and p.customer_external_id = any(${[...new Set(rows.map((r) => r.customer_external_id))]}::text[])
      and coalesce(p.data->>'status', 'posted') <> 'void'
    order by 3, 6`;
  const out: RecoveryCase[] = [];
  for (const r of rows) {
    out.push({
      id: r.id, connectionId: r.connection_id, customerExternalId: r.customer_external_id, customerName: r.name ?? r.customer_external_id,
      invoiceExternalIds: r.invoice_external_ids, handedTo: r.handed_to, state: r.state, claimed: r.claimed, currency: r.currency,
      openedOn: r.opened_on, openedBy: r.opened_by,
      events: events.filter((e) => e.case_id === r.id).map(({ case_id: _id, ...e }) => e),
      paymentsSince: payments
        .filter((p) => p.connection_id === r.connection_id && p.customer_external_id === r.customer_external_id && r.invoice_external_ids.includes(p.invoiceExternalId) && p.date >= r.opened_on)
        .map(({ connection_id: _c, customer_external_id: _u, ...p }) => p),
    });
  }
  return out;
}
