// One customer as its page shows it: the read model (invoices, pauses, risk), and beside it the insolvency notices and
// registration number (and the register's suggestions when asked), recovery cases, open tasks, portal links, the
// customer's answers, its mail and bounced addresses, and its assigned collector.
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
import { customerMailbox } from './mail.js';
import { registerSuggestions } from './registration.js';

/**
 * Everything the customer page reads about one customer of the tenant; null when there is no such customer. The public
 * register is asked for suggestions only when `registerSearch` (a person clicked the search).
 */
export async function customerFile(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, opts: { registerSearch?: boolean } = {}) {
  const now = nowOf(deps);
  const detail = await customerDetail(deps.sql, tenant, connectionId, customerId, now);
  if (!detail) return null;
  const today = dateInZone(now, tenant.timeZone);
  const emails = [detail.customer.email, ...detail.customer.emails].filter((e): e is string => !!e);
  const [notices, regNo, cases, tasks, links, answers, users, collector, mailbox] = await Promise.all([
    noticeHistory(deps.sql, tenant.id, connectionId, customerId),
    regNoState(deps.sql, tenant.id, connectionId, customerId),
    listCases(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }),
    listTasks(deps.sql, tenant.id, today, { customerExternalId: customerId }),
    linkSummary(deps.sql, tenant.id, connectionId, customerId, now),
    listAnswers(deps.sql, tenant.id, connectionId, customerId),
    listUsers(deps.sql, tenant.id),
    collectorOf(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }),
    customerMailbox(deps, tenant.id, connectionId, customerId, emails),
  ]);
  const search = opts.registerSearch ? await registerSuggestions(deps, detail.customer) : null;
  // Who may be assigned the customer: the team's members who work (not viewers).
  const assignable = users.filter((u) => u.role !== 'viewer');
  return { detail, today, notices, regNo, cases, tasks: tasks.filter((x) => x.connectionId === connectionId), links, answers, mailbox, search, collector: { current: collector, assignable } };
}
