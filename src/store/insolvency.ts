// Insolvency notices (#27) against PostgreSQL: each notice is stored once per customer carrying its SIREN (a SIREN on
// several customers, even across connections, gives each its row), history kept; the latest notice per customer wins.
// Refused notices go to the quarantine with their reason. Every query takes the tenant.
import type { InsolvencyNotice, RejectedNotice } from '../model/insolvency-notice.js';
import { atomically, type Sql } from './db.js';

export interface StoredNotice extends Omit<InsolvencyNotice, 'raw' | 'source'> {
  id: string;
  source: string;
  connectionId: string;
  customerExternalId: string;
  receivedAt: string;
}

export interface RecordedNotice {
  notice: StoredNotice;
  /** False when this notice was already stored for that customer (a rerun of the watch). */
  created: boolean;
}

type Row = {
  id: string; connection_id: string; customer_external_id: string; source: string; notice_id: string; reg_no: string;
  type: InsolvencyNotice['type']; kind: InsolvencyNotice['kind']; court: string | null; judgment_date: string; publication_date: string; mandataire: string | null; received_at: Date;
};
const columns = 'id, connection_id, customer_external_id, source, notice_id, reg_no, type, kind, court, judgment_date::text, publication_date::text, mandataire, received_at';
const toNotice = (r: Row): StoredNotice => ({
  id: r.id, connectionId: r.connection_id, customerExternalId: r.customer_external_id, source: r.source, noticeId: r.notice_id,
  regNo: r.reg_no, type: r.type, kind: r.kind, court: r.court, judgmentDate: r.judgment_date, publicationDate: r.publication_date,
  mandataire: r.mandataire, receivedAt: r.received_at.toISOString(),
});

/** The tenant's active customers carrying `regNo`, across its connections (or in one). */
export async function customersWithRegNo(sql: Sql, tenantId: string, regNo: string, connectionId?: string) {
  return sql<{ connectionId: string; externalId: string; name: string }[]>`
    select connection_id as "connectionId", external_id as "externalId", name from customers
    where tenant_id = ${tenantId} and watched_reg_no = ${regNo} and active ${connectionId ? sql`and connection_id = ${connectionId}` : sql``}
    order by connection_id, external_id`;
}

/**
 * The distinct SIRENs of the active customers (of the tenant, or of one connection): the portfolio the watch reads.
 * `unchecked`: only those the publisher was never read for in that connection (a customer new since the last run).
 */
export async function watchedRegNos(sql: Sql, tenantId: string, opts: { connectionId?: string; unchecked?: boolean } = {}): Promise<string[]> {
  const { connectionId, unchecked } = opts;
  const rows = await sql<{ reg_no: string }[]>`
    select distinct c.watched_reg_no as reg_no from customers c
    where c.tenant_id = ${tenantId} and c.watched_reg_no is not null and c.active
      ${connectionId ? sql`and c.connection_id = ${connectionId}` : sql``}
      ${unchecked && connectionId ? sql`and not exists (select 1 from insolvency_checks k where k.tenant_id = c.tenant_id and k.connection_id = c.connection_id and k.reg_no = c.watched_reg_no)` : sql``}
    order by 1`;
  return rows.map((r) => r.reg_no);
}

/** Records that the publisher answered for `regNo` in this connection (what `unchecked` leaves out next time). */
export async function markChecked(sql: Sql, tenantId: string, connectionId: string, regNo: string): Promise<void> {
  await sql`insert into insolvency_checks (tenant_id, connection_id, reg_no) values (${tenantId}, ${connectionId}, ${regNo})
    on conflict (tenant_id, connection_id, reg_no) do update set checked_at = now()`;
}

/** Stores `notice` for every customer with its SIREN (in `connectionId` when given); idempotent per (customer, source, notice id). */
export async function recordNotice(sql: Sql, tenantId: string, notice: InsolvencyNotice, connectionId?: string): Promise<RecordedNotice[]> {
  return atomically(sql, async (db) => {
    const out: RecordedNotice[] = [];
    for (const c of await customersWithRegNo(db, tenantId, notice.regNo, connectionId)) {
      const inserted = await db.unsafe<Row[]>(
        `insert into insolvency_notices (tenant_id, connection_id, customer_external_id, source, notice_id, reg_no, type, kind, court, judgment_date, publication_date, mandataire, raw)
         values ($1, $2, $3, $4, $5, $6, $7, $13, $8, $9, $10, $11, $12::text::jsonb)
         on conflict (tenant_id, connection_id, customer_external_id, source, notice_id) do nothing returning ${columns}`,
        [tenantId, c.connectionId, c.externalId, notice.source, notice.noticeId, notice.regNo, notice.type, notice.court, notice.judgmentDate, notice.publicationDate, notice.mandataire, JSON.stringify(notice.raw), notice.kind],
      );
      if (inserted[0]) { out.push({ notice: toNotice(inserted[0]), created: true }); continue; }
      const [existing] = await db.unsafe<Row[]>(
        `select ${columns} from insolvency_notices where tenant_id = $1 and connection_id = $2 and customer_external_id = $3 and source = $4 and notice_id = $5`,
        [tenantId, c.connectionId, c.externalId, notice.source, notice.noticeId],
      );
      out.push({ notice: toNotice(existing!), created: false });
    }
    return out;
  });
}

/** The customer's notices, newest first (publication date, then arrival): the first one is the one that wins. */
export async function noticeHistory(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string): Promise<StoredNotice[]> {
  const rows = await sql.unsafe<Row[]>(
    `select ${columns} from insolvency_notices where tenant_id = $1 and connection_id = $2 and customer_external_id = $3
     order by publication_date desc, received_at desc, notice_id desc`,
    [tenantId, connectionId, customerExternalId],
  );
  return rows.map(toNotice);
}

export async function latestNotice(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string): Promise<StoredNotice | null> {
  return (await noticeHistory(sql, tenantId, connectionId, customerExternalId))[0] ?? null;
}

/** Keeps a refused notice aside with its reason; the same refusal read again on the next run is not kept twice. */
export async function quarantineNotice(sql: Sql, tenantId: string, source: string, rejected: RejectedNotice): Promise<boolean> {
  const raw = JSON.stringify(rejected.raw);
  const res = await sql`insert into insolvency_quarantine (tenant_id, source, notice_id, reason, raw)
    select ${tenantId}, ${source}, ${rejected.noticeId}, ${rejected.reason}, ${raw}::jsonb
    where not exists (select 1 from insolvency_quarantine where tenant_id = ${tenantId} and source = ${source}
      and notice_id is not distinct from ${rejected.noticeId} and reason = ${rejected.reason} and raw = ${raw}::jsonb)`;
  return res.count > 0;
}

export async function quarantinedNotices(sql: Sql, tenantId: string) {
  return sql<{ noticeId: string | null; reason: string }[]>`select notice_id as "noticeId", reason from insolvency_quarantine where tenant_id = ${tenantId} order by received_at, id`;
}

export interface UnderProceedings {
  connectionId: string;
  customerExternalId: string;
  name: string;
  /** The latest opening judgment's first publication date (the claim deadline runs from it). */
  publicationDate: string;
  judgmentDate: string;
  /** The notice's publisher ('bodacc', 'companies_house') and when the watch stored it: effects.ts claimDue takes both. */
  source: string;
  receivedAt: string;
}

/** Customers with an active insolvency pause, with their latest opening notice: the dashboard's list. */
export async function customersUnderProceedings(sql: Sql, tenantId: string): Promise<UnderProceedings[]> {
  return sql<UnderProceedings[]>`
    select distinct on (n.connection_id, n.customer_external_id)
      n.connection_id as "connectionId", n.customer_external_id as "customerExternalId", c.name,
      n.publication_date::text as "publicationDate", n.judgment_date::text as "judgmentDate",
      n.source, to_char(n.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "receivedAt"
    from insolvency_notices n
    join customers c on c.tenant_id = n.tenant_id and c.connection_id = n.connection_id and c.external_id = n.customer_external_id
    where n.tenant_id = ${tenantId} and n.type = 'opening' and n.kind <> 'withdrawal'
      and exists (select 1 from pauses p where p.tenant_id = n.tenant_id and p.connection_id = n.connection_id
                  and p.customer_external_id = n.customer_external_id and p.kind = 'insolvency' and p.state = 'active')
    -- the latest judgment, at its first publication (the claim deadline runs from it)
    order by n.connection_id, n.customer_external_id, n.judgment_date desc, n.publication_date, n.received_at`;
}

/** Records the registration number a person confirmed for a customer whose books have none (null: forget it). */
export async function confirmRegNo(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, regNo: string | null, by: string): Promise<boolean> {
  const res = await sql`update customers set reg_no_confirmed = ${regNo}, reg_no_confirmed_by = ${regNo ? by : null}
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and external_id = ${customerExternalId}`;
  return res.count > 0;
}

/** The customer's registration number from the books, and the one a person confirmed; null when no such customer. */
export async function regNoState(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string) {
  const [row] = await sql<{ fromBooks: string | null; confirmed: string | null; confirmedBy: string | null }[]>`
    select reg_no as "fromBooks", reg_no_confirmed as confirmed, reg_no_confirmed_by as "confirmedBy" from customers
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and external_id = ${customerExternalId}`;
  return row ?? null;
}
