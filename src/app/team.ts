// The team as the team page works it: members and their pending invitations, an invitation made, a role changed, a
// member removed, the invitation link's landing and its use, a customer's assigned collector, and the record of a change.
import { randomUUID } from 'node:crypto';
import { recordActivity } from '../store/activity.js';
import { assignCollector, collectorOf, createInvitation, getUser, listUsers, peekInvitation, pendingInvitations, removeUser, setUserRole, takeInvitation, upsertUser, type Role, type User } from '../store/team.js';
import { getTenant, type Tenant } from '../store/tenants.js';
import { customerDetail } from './customers.js';
import { nowOf, type AppDeps } from './deps.js';

/** The members, and when each one's invitation still waits (by user id). */
export async function teamOf(deps: AppDeps, tenantId: string): Promise<{ users: User[]; pending: Map<string, Date> }> {
  const [users, pending] = await Promise.all([listUsers(deps.sql, tenantId), pendingInvitations(deps.sql, tenantId, nowOf(deps))]);
  return { users, pending };
}

export const memberOf = (deps: AppDeps, tenantId: string, userId: string): Promise<User | null> => getUser(deps.sql, tenantId, userId);

/** The members, without their invitations. */
export const membersOf = (deps: AppDeps, tenantId: string): Promise<User[]> => listUsers(deps.sql, tenantId);

/** A member added with a role (or given it again, by email). */
export const addMember = (deps: AppDeps, tenantId: string, email: string, role: Role, by: string): Promise<User> => upsertUser(deps.sql, tenantId, email, role, by);

/** False when there is no such member. */
export const changeRole = (deps: AppDeps, tenantId: string, userId: string, role: Role): Promise<boolean> => setUserRole(deps.sql, tenantId, userId, role);

/** False when there is no such member. */
export const removeMember = (deps: AppDeps, tenantId: string, userId: string): Promise<boolean> => removeUser(deps.sql, tenantId, userId);

/** A new invitation for a member: the token its link carries. */
export const newInvitation = (deps: AppDeps, tenantId: string, userId: string, by: string): Promise<string> => createInvitation(deps.sql, tenantId, userId, by, nowOf(deps));

/** The member an invitation link is for and their company, without spending it; null when it is unknown, used or expired. */
export async function invitationOf(deps: AppDeps, token: string): Promise<{ user: User; tenant: Tenant | null } | null> {
  const user = await peekInvitation(deps.sql, token, nowOf(deps));
  return user ? { user, tenant: await getTenant(deps.sql, user.tenantId) } : null;
}

/** Spends an invitation link: the member it was for, or null. */
export const acceptInvitation = (deps: AppDeps, token: string): Promise<User | null> => takeInvitation(deps.sql, token, nowOf(deps));

/** Assigns a customer's collector (an empty id: nobody); false when the customer or the member is unknown. */
export async function assignCustomerCollector(deps: AppDeps, tenant: Tenant, connectionId: string, customerId: string, userId: string, by: string): Promise<boolean> {
  if (!(await customerDetail(deps.sql, tenant, connectionId, customerId, nowOf(deps)))) return false;
  const user = userId ? await getUser(deps.sql, tenant.id, userId) : null;
  if (userId && !user) return false;
  await assignCollector(deps.sql, tenant.id, { connectionId, customerExternalId: customerId }, user?.id ?? null, by);
  return true;
}

/**
 * One activity entry for a change that succeeded, with who made it (kind `changed`, the area and path as data), made in
 * the settings pages or (channel `api`) through the REST API with a token.
 */
export async function recordSettingsChange(deps: AppDeps, tenantId: string, change: { method: string; path: string; status: number; area: string | null; actor: string; channel?: 'settings' | 'api' }): Promise<void> {
  const { method, path, status, area, actor, channel = 'settings' } = change;
  await recordActivity(deps.sql, tenantId, { actionKey: `change/${randomUUID()}`, kind: 'changed', channel, reason: `${method} ${path}`, actor, proof: { area, method, path, status } });
}
