// One customer as its page shows it: the read model (invoices, pauses, risk), and beside it the insolvency notices and
// registration number, recovery cases, open tasks, portal links, the customer's answers and its assigned collector.
import { dateInZone } from '../model/index.js';
import { linkSummary } from '../portal/links.js';
import { listAnswers } from '../portal/answers.js';
import { listCases } from '../recovery/cases.js';
import { noticeHistory, regNoState } from '../store/insolvency.js';
import { collectorOf, listUsers } from '../store/team.js';
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
  const [notices, regNo, cases, tasks, links, answers, users, collector] = await Promise.all([
    noticeHistory(deps.sql, tenant.id, connectionId, customerId),
    regNoState(deps.sql, tenant.id, connectionId, customerId),
    listCases(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }),
    listTasks(deps.sql, tenant.id, today, { customerExternalId: customerId }),
    linkSummary(deps.sql, tenant.id, connectionId, customerId, now),
    listAnswers(deps.sql, tenant.id, connectionId, customerId),
    listUsers(deps.sql, tenant.id),
    collectorOf(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }),
  ]);
  // Who may be assigned the customer: the team's members who work (not viewers).
  const assignable = users.filter((u) => u.role !== 'viewer');
  return { detail, today, notices, regNo, cases, tasks: tasks.filter((x) => x.connectionId === connectionId), links, answers, collector: { current: collector, assignable } };
}
