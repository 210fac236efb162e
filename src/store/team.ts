// The company's team: users with a role, single-use invitation links (only their sha256 is stored) and the collector
// assigned to each customer. Every query takes the tenant.
import { randomBytes } from 'node:crypto';
import type { Sql } from './db.js';
import { sha256 } from './auth.js';

import type { Role } from '../model/role.js';

export { ROLES, isRole, type Role } from '../model/role.js';

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

export interface User {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
}

type UserRow = { id: string; tenant_id: string; email: string; role: Role; created_by: string; created_at: Date };
const toUser = (r: UserRow): User => ({ id: r.id, tenantId: r.tenant_id, email: r.email, role: r.role, createdBy: r.created_by, createdAt: r.created_at });
const isUuid = (s: string) => /^[0-9a-f-]{36}$/i.test(s);

export async function listUsers(sql: Sql, tenantId: string): Promise<User[]> {
  const rows = await sql<UserRow[]>`
    select id, tenant_id, email, role, created_by, created_at from users where tenant_id = ${tenantId} and removed_at is null order by lower(email)`;
  return rows.map(toUser);
}

export async function getUser(sql: Sql, tenantId: string, userId: string): Promise<User | null> {
  if (!isUuid(userId)) return null;
  const [r] = await sql<UserRow[]>`
    select id, tenant_id, email, role, created_by, created_at from users where tenant_id = ${tenantId} and id = ${userId} and removed_at is null`;
  return r ? toUser(r) : null;
}

/** The team member a session belongs to, whatever the tenant; null once removed. */
export async function activeUser(sql: Sql, userId: string): Promise<User | null> {
  const [r] = await sql<UserRow[]>`select id, tenant_id, email, role, created_by, created_at from users where id = ${userId} and removed_at is null`;
  return r ? toUser(r) : null;
}

/** Adds a member (or gives a removed one back their place, with the new role); the email is the identity within a company. */
export async function upsertUser(sql: Sql, tenantId: string, email: string, role: Role, by: string): Promise<User> {
  const [r] = await sql<UserRow[]>`
    insert into users (tenant_id, email, role, created_by) values (${tenantId}, ${email.trim()}, ${role}, ${by})
    on conflict (tenant_id, lower(email)) do update set role = excluded.role, removed_at = null
    returning id, tenant_id, email, role, created_by, created_at`;
  return toUser(r!);
}

export async function setUserRole(sql: Sql, tenantId: string, userId: string, role: Role): Promise<boolean> {
  if (!isUuid(userId)) return false;
  return (await sql`update users set role = ${role} where tenant_id = ${tenantId} and id = ${userId} and removed_at is null`).count === 1;
}

/** Removes a member: their sessions and unused invitations end, the customers assigned to them go back to nobody. */
export async function removeUser(sql: Sql, tenantId: string, userId: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  return sql.begin(async (tx) => {
    const res = await tx`update users set removed_at = now() where tenant_id = ${tenantId} and id = ${userId} and removed_at is null`;
    if (res.count !== 1) return false;
    await tx`delete from sessions where user_id = ${userId}`;
    await tx`delete from invitations where tenant_id = ${tenantId} and user_id = ${userId} and used_at is null`;
    await tx`delete from customer_collectors where tenant_id = ${tenantId} and user_id = ${userId}`;
    return true;
  }) as Promise<boolean>;
}

/** Creates a single-use invitation for a member; returns the clear token (sent by email, never stored). */
export async function createInvitation(sql: Sql, tenantId: string, userId: string, by: string, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await sql`
    insert into invitations (token_hash, tenant_id, user_id, created_by, created_at, expires_at)
    values (${sha256(token)}, ${tenantId}, ${userId}, ${by}, ${now}, ${new Date(now.getTime() + INVITATION_TTL_MS)})`;
  return token;
}

/** The member an unused, unexpired invitation names (read only: showing the page does not spend the link). */
export async function peekInvitation(sql: Sql, token: string, now = new Date()): Promise<User | null> {
  const [r] = await sql<UserRow[]>`
    select u.id, u.tenant_id, u.email, u.role, u.created_by, u.created_at from invitations i join users u on u.id = i.user_id and u.tenant_id = i.tenant_id
    where i.token_hash = ${sha256(token)} and i.used_at is null and i.expires_at > ${now} and u.removed_at is null`;
  return r ? toUser(r) : null;
}

/** Spends an invitation (compare-and-set): the first use gets the member, any other gets null. */
export async function takeInvitation(sql: Sql, token: string, now = new Date()): Promise<User | null> {
  const [r] = await sql<{ user_id: string }[]>`
    update invitations set used_at = ${now} where token_hash = ${sha256(token)} and used_at is null and expires_at > ${now} returning user_id`;
  return r ? activeUser(sql, r.user_id) : null;
}

/** Unused invitations per member, for the team page ("invited, not signed in yet"). */
export async function pendingInvitations(sql: Sql, tenantId: string, now = new Date()): Promise<Map<string, Date>> {
  const rows = await sql<{ user_id: string; at: Date }[]>`
    select user_id, max(created_at) as at from invitations where tenant_id = ${tenantId} and used_at is null and expires_at > ${now} group by user_id`;
  return new Map(rows.map((r) => [r.user_id, r.at]));
}

export interface CustomerRef {
  connectionId: string;
  customerExternalId: string;
}

/** The collector assigned to a customer, or null. */
export async function collectorOf(sql: Sql, tenantId: string, ref: CustomerRef): Promise<User | null> {
  const [r] = await sql<UserRow[]>`
    select u.id, u.tenant_id, u.email, u.role, u.created_by, u.created_at from customer_collectors cc join users u on u.id = cc.user_id
    where cc.tenant_id = ${tenantId} and cc.connection_id = ${ref.connectionId} and cc.customer_external_id = ${ref.customerExternalId} and u.removed_at is null`;
  return r ? toUser(r) : null;
}

/**
 * Assigns a customer to a collector (null: to nobody). Its open and snoozed tasks follow in the same transaction;
 * done tasks keep who had them. Returns how many tasks moved.
 */
export async function assignCollector(sql: Sql, tenantId: string, ref: CustomerRef, userId: string | null, by: string): Promise<number> {
  return sql.begin(async (tx) => {
    if (userId) {
      await tx`
        insert into customer_collectors (tenant_id, connection_id, customer_external_id, user_id, assigned_by)
        values (${tenantId}, ${ref.connectionId}, ${ref.customerExternalId}, ${userId}, ${by})
        on conflict (tenant_id, connection_id, customer_external_id) do update set user_id = excluded.user_id, assigned_by = excluded.assigned_by, assigned_at = now()`;
    } else {
      await tx`delete from customer_collectors where tenant_id = ${tenantId} and connection_id = ${ref.connectionId} and customer_external_id = ${ref.customerExternalId}`;
    }
    const moved = await tx`
      update tasks set owner_user_id = ${userId}, updated_at = now()
      where tenant_id = ${tenantId} and connection_id = ${ref.connectionId} and customer_external_id = ${ref.customerExternalId} and state <> 'done'`;
    return moved.count;
  }) as Promise<number>;
}
