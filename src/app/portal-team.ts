// The customer portal seen from the team, on a customer's page: a link handed out, every link withdrawn, a customer's
// answer accepted or refused, and the file attached to an answer. Each one is refused (null or false) for an unknown customer.
import { dateInZone } from '../model/index.js';
import { answerAttachment, decideAnswer, listAnswers } from '../portal/answers.js';
import { issueLink, revokeLinks } from '../portal/links.js';
import type { Tenant } from '../store/tenants.js';
import { customerDetail } from './customers.js';
import { nowOf, type AppDeps } from './deps.js';

const known = async (deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string): Promise<boolean> => !!(await customerDetail(deps.sql, tenant, connectionId, customerId, nowOf(deps)));

/** A new link for the customer: the token its address carries; null when there is no such customer. */
export async function issuePortalLink(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string): Promise<string | null> {
  if (!(await known(deps, tenant, connectionId, customerId))) return null;
  return (await issueLink(deps.sql, tenant.id, connectionId, customerId, nowOf(deps))).token;
}

/** Withdraws every link of the customer; false when there is no such customer. */
export async function revokePortalLinks(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, by: string): Promise<boolean> {
  if (!(await known(deps, tenant, connectionId, customerId))) return false;
  await revokeLinks(deps.sql, tenant.id, connectionId, customerId, by);
  return true;
}

/** The team's decision on one of the customer's answers, as of today in the company's calendar; false when there is no such customer. */
export async function decidePortalAnswer(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, answerId: string, decision: 'accepted' | 'refused', by: string): Promise<boolean> {
  if (!(await known(deps, tenant, connectionId, customerId))) return false;
  await decideAnswer(deps.sql, tenant.id, connectionId, answerId, decision, by, dateInZone(nowOf(deps), tenant.timeZone));
  return true;
}

/** The file attached to one of the customer's own answers; null when the answer is not theirs or has none. */
export async function portalAnswerFile(deps: AppDeps, tenantId: string, connectionId: string, customerId: string, answerId: string) {
  const mine = (await listAnswers(deps.sql, tenantId, connectionId, customerId)).some((a) => a.id === answerId);
  return mine ? answerAttachment(deps.sql, tenantId, answerId) : null;
}
