// Sessions, API tokens and OAuth states in PostgreSQL; secrets are random, only their sha256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from './db.js';
import type { Tenant } from './tenants.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface Session {
  id: string;
  email: string;
  tenantId: string | null;
  csrfToken: string;
  expiresAt: Date;
  /** Opened by a marketplace install: bound to its company, which it can neither leave nor see beyond. */
  locked: boolean;
  /** The team member signed in (store/team.ts); null for the self-hosted admin, who has every right. */
  userId: string | null;
}

type SessionRow = { id: string; email: string; tenant_id: string | null; csrf_token: string; expires_at: Date; locked: boolean; user_id: string | null };
const toSession = (r: SessionRow): Session => ({ id: r.id, email: r.email, tenantId: r.tenant_id, csrfToken: r.csrf_token, expiresAt: r.expires_at, locked: r.locked, userId: r.user_id });

/** Opens a session; returns the cookie value (never stored) and the session. */
export async function createSession(sql: Sql, email: string, ttlMs: number, tenantId: string | null = null, locked = false, userId: string | null = null): Promise<{ token: string; session: Session }> {
  const token = randomToken();
  // Sign-ins are rare: a good moment to drop expired sessions, so the table never needs a sweeper.
  await sql`delete from sessions where expires_at < now()`;
  const [row] = await sql<SessionRow[]>`
    insert into sessions (id, email, tenant_id, csrf_token, expires_at, locked, user_id)
    values (${sha256(token)}, ${email}, ${tenantId}, ${randomToken()}, ${new Date(Date.now() + ttlMs)}, ${locked}, ${userId})
    returning id, email, tenant_id, csrf_token, expires_at, locked, user_id`;
  return { token, session: toSession(row!) };
}

/** The live session a cookie value names, or null (unknown or expired). */
export async function findSession(sql: Sql, token: string): Promise<Session | null> {
  const [row] = await sql<SessionRow[]>`
    update sessions set last_seen_at = now()
    where id = ${sha256(token)} and expires_at > now()
    returning id, email, tenant_id, csrf_token, expires_at, locked, user_id`;
  return row ? toSession(row) : null;
}

export async function setSessionTenant(sql: Sql, sessionId: string, tenantId: string): Promise<void> {
  // A locked session never moves to another company, whatever calls this.
  await sql`update sessions set tenant_id = ${tenantId} where id = ${sessionId} and not locked`;
}

export async function deleteSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`delete from sessions where id = ${sessionId}`;
}

/** Every tenant, for the self-hosted admin's tenant switcher (the admin operates all of them). */
export async function listTenants(sql: Sql): Promise<Tenant[]> {
  const rows = await sql<{ id: string; name: string; time_zone: string; locale: string }[]>`
    select id, name, time_zone, locale from tenants order by name, created_at`;
  return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, locale: r.locale }));
}

export interface ApiToken {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** What the token may do, as a team member of that role (store/team.ts); tokens made before roles are admin. */
  role: 'admin' | 'collector' | 'viewer';
}

type TokenRow = { id: string; tenant_id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null; role: ApiToken['role'] };
const toToken = (r: TokenRow): ApiToken => ({ id: r.id, tenantId: r.tenant_id, name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, role: r.role });

/** Creates a tenant's API token; the clear value is returned once and never stored. */
export async function createApiToken(sql: Sql, tenantId: string, name: string, role: ApiToken['role'] = 'admin'): Promise<{ token: string; record: ApiToken }> {
  const token = `rl_${randomToken()}`;
  const [row] = await sql<TokenRow[]>`
    insert into api_tokens (tenant_id, name, prefix, token_hash, role) values (${tenantId}, ${name}, ${token.slice(0, 9)}, ${sha256(token)}, ${role})
    returning id, tenant_id, name, prefix, created_at, last_used_at, revoked_at, role`;
  return { token, record: toToken(row!) };
}

/** The tenant a bearer token belongs to, or null (unknown or revoked). */
export async function verifyApiToken(sql: Sql, token: string): Promise<ApiToken | null> {
  const [row] = await sql<TokenRow[]>`
    update api_tokens set last_used_at = now() where token_hash = ${sha256(token)} and revoked_at is null
    returning id, tenant_id, name, prefix, created_at, last_used_at, revoked_at, role`;
  return row ? toToken(row) : null;
}

export async function listApiTokens(sql: Sql, tenantId: string): Promise<ApiToken[]> {
  const rows = await sql<TokenRow[]>`
    select id, tenant_id, name, prefix, created_at, last_used_at, revoked_at, role from api_tokens where tenant_id = ${tenantId} order by created_at desc`;
  return rows.map(toToken);
}

export async function revokeApiToken(sql: Sql, tenantId: string, tokenId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) return false;
  const res = await sql`update api_tokens set revoked_at = now() where tenant_id = ${tenantId} and id = ${tokenId} and revoked_at is null`;
  return res.count === 1;
}

export interface OAuthState {
  tenantId: string;
  sessionId: string | null;
  provider: string;
  connectionId: string;
}

/** Records an authorization in flight; returns the state to send to the provider. */
export async function saveOAuthState(sql: Sql, s: OAuthState, ttlMs = 15 * 60_000): Promise<string> {
  const state = randomToken();
  await sql`delete from oauth_states where expires_at < now()`;
  await sql`
    insert into oauth_states (state_hash, tenant_id, session_id, provider, connection_id, expires_at)
    values (${sha256(state)}, ${s.tenantId}, ${s.sessionId}, ${s.provider}, ${s.connectionId}, ${new Date(Date.now() + ttlMs)})`;
  return state;
}

/** Consumes a state once: a replayed, expired or unknown state gives null. */
export async function takeOAuthState(sql: Sql, state: string): Promise<OAuthState | null> {
  const [row] = await sql<{ tenant_id: string; session_id: string | null; provider: string; connection_id: string; expires_at: Date }[]>`
    delete from oauth_states where state_hash = ${sha256(state)} returning tenant_id, session_id, provider, connection_id, expires_at`;
  if (!row || row.expires_at.getTime() < Date.now()) return null;
  return { tenantId: row.tenant_id, sessionId: row.session_id, provider: row.provider, connectionId: row.connection_id };
}

/** Disconnects a connection: its tokens are erased (not just flagged) and syncing stops. */
export async function disconnectConnection(sql: Sql, tenantId: string, connectionId: string): Promise<boolean> {
  const res = await sql`
    update connections set status = 'disconnected', status_detail = null, credentials = null, updated_at = now()
    where tenant_id = ${tenantId} and id = ${connectionId}`;
  return res.count === 1;
}
