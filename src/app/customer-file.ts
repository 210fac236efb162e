// One customer as its page shows it: the read model (invoices, pauses, risk), and beside it the insolvency notices and
// registration number, recovery cases, open tasks, portal links and the customer's answers.
import { dateInZone } from '../model/index.js';
import { linkSummary } from '../portal/links.js';
import { listAnswers } from '../portal/answers.js';
import { listCases } from '../recovery/cases.js';
import { noticeHistory, regNoState } from '../store/insolvency.js';
import type { Tenant } from '../store/tenants.js';
import { listTasks } from '../worklist/store.js';
import { customerDetail } from './customers.js';
import { nowOf, type AppDeps } from './deps.js';

/** Everything the customer page reads about one customer of the tenant; null when there is no such customer. */
export async function customerFile(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string) {
  const now = nowOf(deps);
  const detail = await customerDetail(deps.sql, tenant, connectionId, customerId, now);
  if (!detail) return null;
  const today = dateInZone(now, tenant.timeZone);
  const [notices, regNo, cases, tasks, links, answers] = await Promise.all([
    noticeHistory(deps.sql, tenant.id, connectionId, customerId),
    regNoState(deps.sql, tenant.id, connectionId, customerId),
    listCases(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }),
    listTasks(deps.sql, tenant.id, today, { customerExternalId: customerId }),
    linkSummary(deps.sql, tenant.id, connectionId, customerId, now),
    listAnswers(deps.sql, tenant.id, connectionId, customerId),
  ]);
  return { detail, today, notices, regNo, cases, tasks: tasks.filter((x) => x.connectionId === connectionId), links, answers };
}
