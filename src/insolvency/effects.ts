// What a stored insolvency notice does (#27).
// Opening judgment: individual action stops and debts incurred before the judgment may not be paid (Code de commerce
// L622-21, L622-7), so each open invoice of the customer issued before the judgment gets an "insolvency" pause, the
// notice as its reason; the rules then plan nothing for it (a pause holds its invoice: rules/pause-cover.ts), while
// invoices issued after the judgment keep their policy (post-opening claims are paid at term, L622-17). The team gets a
// task to declare the claim to the mandataire within two months of the BODACC publication (R622-24).
// Closing or plan judgment: the active insolvency pauses are updated with the notice; the team decides what to resume.
// UK (a Companies House case): the same pauses (in administration no legal process may be started against the company
// without the administrator's consent or the court's permission, Insolvency Act 1986 Sch. B1 para 43, as secondary
// sources state it; the stay of a winding up by the court, s130(2), was not checked), and the task is a proof of debt
// to the office-holder (Insolvency (England and Wales) Rules 2016, r14.3: "a creditor wishing to recover a debt must
// submit a proof to the office-holder"). There is no French-style bar: the office-holder's notice of intended dividend
// (r14.29) fixes a last date for proving, which Companies House does not carry, so the task's date is a prudent choice
// (ukProofDue). A creditor who proved in an administration is deemed to have proved in the winding up that follows
// (r14.3(2)): a conversion opens no second task.
import { addDays } from '../model/index.js';
import type { TaskRequest } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { listPauses, openPause } from '../store/pauses.js';
import type { StoredNotice } from '../store/insolvency.js';

/** `ymd` plus `months` calendar months; a day the target month lacks becomes its last day (31 Dec + 2 → 28/29 Feb). */
export function addMonths(ymd: string, months: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** The claim declaration's deadline: two months from the opening judgment's publication in the BODACC (R622-24). */
export const claimDeadline = (publicationDate: string): string => addMonths(publicationDate, 2);

/** Days from the start of a UK case to send the proof of debt, and the least time left when the case is learnt late. */
export const UK_PROOF_DAYS = 30;
export const UK_PROOF_LEAST_DAYS = 14;

/**
 * When to send a UK proof of debt. No rule bars it by a date known at the start of the case (the last date for proving
 * comes with the office-holder's notice of intended dividend, r14.29, which the watch does not read), so this is a
 * CHOICE: 30 days from the case's start, early enough for a first dividend; and when the watch learns of a case after
 * that (an old case, a customer new to the books), 14 days from the day it learnt, rather than a task born overdue.
 */
export function ukProofDue(caseStart: string, learntOn: string): string {
  const due = addDays(caseStart, UK_PROOF_DAYS);
  const least = addDays(learntOn, UK_PROOF_LEAST_DAYS);
  return due > least ? due : least;
}

/**
 * The date the claim task of an opening notice is due, whatever its source: for pages that show the deadline next to
 * the notice. BODACC: the legal deadline (claimDeadline); Companies House: the proof-of-debt date (ukProofDue).
 */
export function claimDue(n: { source: string; judgmentDate: string; publicationDate: string; receivedAt: string }): string {
  return n.source === 'companies_house' ? ukProofDue(n.judgmentDate, n.receivedAt.slice(0, 10)) : claimDeadline(n.publicationDate);
}

export interface NoticeEffects {
  pausedInvoices: string[];
  taskOpened: boolean;
  updatedPauses: number;
}

const isUk = (n: StoredNotice) => n.source === 'companies_house';

const describe = (n: StoredNotice) => isUk(n)
  ? `Companies House ${n.noticeId}: ${n.type} of the case on ${n.judgmentDate}${n.mandataire ? `; office-holder ${n.mandataire}` : ''}`
  : `${n.source.toUpperCase()} ${n.noticeId}: ${n.kind === 'withdrawal' ? 'withdrawal of the ' : n.kind === 'correction' ? 'correction of the ' : ''}${n.type} judgment of ${n.judgmentDate}${n.court ? `, ${n.court}` : ''}, published ${n.publicationDate}${n.mandataire ? `; mandataire ${n.mandataire}` : ''}`;

export async function applyNotice(sql: Sql, tenantId: string, n: StoredNotice, deps: { openTask: (req: TaskRequest) => Promise<void>; actor: string }): Promise<NoticeEffects> {
  const out: NoticeEffects = { pausedInvoices: [], taskOpened: false, updatedPauses: 0 };
  const active = (await listPauses(sql, tenantId, { connectionId: n.connectionId, customerExternalId: n.customerExternalId, states: ['active'] })).filter((p) => p.kind === 'insolvency');

  // A withdrawn notice never resumes reminders by itself (a withdrawal is rare and its reason is in the text): the
  // pauses say it, like a closing, and the team decides. A correction of an opening applies as an opening.
  if (n.type === 'opening' && n.kind !== 'withdrawal') {
    const held = new Set(active.map((p) => p.invoiceExternalId));
    const invoices = await sql<{ external_id: string }[]>`
      select external_id from invoices
      where tenant_id = ${tenantId} and connection_id = ${n.connectionId} and customer_external_id = ${n.customerExternalId}
        and issue_date < ${n.judgmentDate}::date and status in ('open', 'partially_paid') and amount_due > 0
      order by issue_date, external_id`;
    const reason = describe(n).slice(0, 500);
    for (const i of invoices) {
      if (held.has(i.external_id)) continue;
      await openPause(sql, tenantId, n.connectionId, {
        kind: 'insolvency', reason, owner: deps.actor, startsOn: n.judgmentDate, expiresOn: null,
        customerExternalId: n.customerExternalId, invoiceExternalId: i.external_id, instalments: [], amount: null, balanceAtOpen: null,
      }, deps.actor);
      out.pausedInvoices.push(i.external_id);
    }
    const common = {
      tenantId, connectionId: n.connectionId, kind: 'declare_claim' as const, customerExternalId: n.customerExternalId,
      invoiceExternalIds: invoices.map((i) => i.external_id), // One task per customer and judgment: a correction of the same judgment does not open a second one, and the
      // deadline stays the first publication's + 2 months (the prudent reading: whether a corrected publication
      // moves the R622-24 deadline is UNCONFIRMED).
      sourceKey: `insolvency:${n.source}:opening:${n.customerExternalId}:${n.judgmentDate}`,
    };
    if (isUk(n)) {
      await deps.openTask({
        ...common, dueOn: claimDue(n),
        title: `Send a proof of debt to the office-holder (${n.noticeId})`,
        detail: {
          claim: 'proof_of_debt', noticeId: n.noticeId, source: n.source, caseStartedOn: n.judgmentDate, officeHolder: n.mandataire,
          rule: 'Insolvency (England and Wales) Rules 2016 r14.3: proof of debt to the office-holder; the last date for proving is set by the notice of intended dividend (r14.29)',
        },
      });
    } else {
      await deps.openTask({
        ...common, dueOn: claimDeadline(n.publicationDate),
        title: `Déclarer la créance au mandataire (${n.noticeId})`,
        detail: { noticeId: n.noticeId, source: n.source, judgmentDate: n.judgmentDate, publicationDate: n.publicationDate, court: n.court, mandataire: n.mandataire },
      });
    }
    out.taskOpened = true;
    return out;
  }

  // Closing, plan or conversion: the pauses stay (the team decides what to resume); their reason and history say it.
  for (const p of active) {
    const reason = `${describe(n)} | ${p.reason}`.slice(0, 500);
    await sql`update pauses set reason = ${reason}, updated_at = now() where tenant_id = ${tenantId} and id = ${p.id} and state = 'active'`;
    await sql`insert into pause_events (tenant_id, pause_id, event, actor, detail) values (${tenantId}, ${p.id}, ${n.kind === 'withdrawal' ? 'notice_withdrawal' : 'notice_' + n.type}, ${deps.actor}, ${describe(n)})`;
    out.updatedPauses++;
  }
  return out;
}
