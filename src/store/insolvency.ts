// Insolvency notices (#27) against PostgreSQL: each notice is stored once per customer carrying its SIREN (a SIREN on
// several customers, even across connections, gives each its row), history kept; the latest notice per customer wins.
// Refused notices go to the quarantine with their reason. Every query takes the tenant.
import type { InsolvencyNotice, RejectedNotice } from '../insolvency/bodacc.js';
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
  type: InsolvencyNotice['type']; court: string | null; judgment_date: string; publication_date: string; mandataire: string | null; received_at: Date;
};
const columns = 'id, connection_id, customer_external_id, source, notice_id, reg_no, type, court, judgment_date::text, publication_date::text, mandataire, received_at';
const toNotice = (r: Row): StoredNotice => ({
  id: r.id, connectionId: r.connection_id, customerExternalId: r.customer_external_id, source: r.source, noticeId: r.notice_id,
  regNo: r.reg_no, type: r.type, court: r.court, judgmentDate: r.judgment_date, publicationDate: r.publication_date,
  mandataire: r.mandataire, receivedAt: r.received_at.toISOString(),
});

/** The tenant's active customers carrying `regNo`, across its connections. */
export async function customersWithRegNo(sql: Sql, tenantId: string, regNo: string) {
  return sql<{ connectionId: string; externalId: string; name: string }[]>`
    select connection_id as "connectionId", external_id as "externalId", name from customers
    where tenant_id = ${tenantId} and reg_no = ${regNo} and active order by connection_id, external_id`;
}

/** The distinct SIRENs of the tenant's active customers: the portfolio the watch reads. */
export async function watchedRegNos(sql: Sql, tenantId: string): Promise<string[]> {
  const rows = await sql<{ reg_no: string }[]>`select distinct reg_no from customers where tenant_id = ${tenantId} and reg_no is not null and active order by reg_no`;
  return rows.map((r) => r.reg_no);
}

/** Stores `notice` for every customer with its SIREN; idempotent per (customer, source, notice id). */
export async function recordNotice(sql: Sql, tenantId: string, notice: InsolvencyNotice): Promise<RecordedNotice[]> {
  return atomically(sql, async (db) => {
    const out: RecordedNotice[] = [];
    for (const c of await customersWithRegNo(db, tenantId, notice.regNo)) {
      const inserted = await db.unsafe<Row[]>(
        `insert into insolvency_notices (tenant_id, connection_id, customer_external_id, source, notice_id, reg_no, type, court, judgment_date, publication_date, mandataire, raw)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text::jsonb)
         on conflict (tenant_id, connection_id, customer_external_id, source, notice_id) do nothing returning ${columns}`,
        [tenantId, c.connectionId, c.externalId, notice.source, notice.noticeId, notice.regNo, notice.type, notice.court, notice.judgmentDate, notice.publicationDate, notice.mandataire, JSON.stringify(notice.raw)],
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
