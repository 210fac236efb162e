// Portal links: one token per hand-out (each reminder mints a fresh one, valid 90 days by default), scoped to one
// customer of one company. Only the token's SHA-256 is stored, so a database read does not give anyone a link; a
// wrong, expired or revoked token resolves to nothing, the same nothing for every case.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { base32 } from '../model/base32.js';
import type { Sql } from '../store/db.js';

export const LINK_DAYS = 90;

export interface PortalScope {
  linkId: string;
  tenantId: string;
  connectionId: string;
  customerExternalId: string;
  expiresAt: Date;
  viewedAt: Date | null;
}

/** 256 random bits, URL-safe: the part of the link the customer holds. */
const newToken = () => randomBytes(32).toString('base64url');
const hashOf = (token: string) => createHash('sha256').update(token).digest();
/**
 * A letter's link is typed by hand: 128 bits in Crockford's base 32 (26 characters, no I, L, O or U), printed in groups
 * of four. What a person types is read back forgivingly: any case, dashes and spaces ignored, O for 0, I and L for 1.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SHORT = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const crockford = (bytes: Buffer): string => base32(bytes, CROCKFORD);
const readShort = (typed: string) => typed.toUpperCase().replace(/[-\s]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
/** The printed form of a letter's token: groups of four, easier to read aloud and to type. */
export const groupShort = (token: string) => token.match(/.{1,4}/g)!.join('-');

/** A token has a shape we mint (a long one from an email, a short one from a letter); anything else is refused before a query. */
export const wellFormed = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token) || SHORT.test(readShort(token));
/** The form a token is stored (hashed) under: a short one as read back, a long one as it is. */
const canonical = (token: string) => (/^[A-Za-z0-9_-]{43}$/.test(token) ? token : readShort(token));

/** Mints a link for the customer; returns the token (shown once, printed in the reminder) and when it expires. */
export async function issueLink(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, now = new Date(), days = LINK_DAYS): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  await sql`insert into portal_links (tenant_id, connection_id, customer_external_id, token_hash, created_at, expires_at)
    values (${tenantId}, ${connectionId}, ${customerExternalId}, ${hashOf(token)}, ${now}, ${expiresAt})`;
  return { token, expiresAt };
}

/** The customer a live token opens, or null for a wrong, expired or revoked one (the caller answers all with one 404). */
export async function resolveLink(sql: Sql, token: string, now = new Date()): Promise<PortalScope | null> {
  if (!wellFormed(token)) return null;
  const [row] = await sql<{ id: string; tenant_id: string; connection_id: string; customer_external_id: string; expires_at: Date; viewed_at: Date | null }[]>`
    select id::text, tenant_id, connection_id, customer_external_id, expires_at, viewed_at from portal_links
    where token_hash = ${hashOf(canonical(token))} and revoked_at is null and expires_at > ${now}`;
  return row ? { linkId: row.id, tenantId: row.tenant_id, connectionId: row.connection_id, customerExternalId: row.customer_external_id, expiresAt: row.expires_at, viewedAt: row.viewed_at } : null;
}

/** Records the first visit of this link; true when this visit is the first. */
export async function markViewed(sql: Sql, scope: PortalScope, now = new Date()): Promise<boolean> {
  const res = await sql`update portal_links set viewed_at = ${now} where tenant_id = ${scope.tenantId} and id = ${scope.linkId} and viewed_at is null`;
  return res.count === 1;
}

/** Revokes every live link of a customer (from the settings); returns how many. */
export async function revokeLinks(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, by: string): Promise<number> {
  const res = await sql`update portal_links set revoked_at = now(), revoked_by = ${by}
    where tenant_id = ${tenantId} and connection_id = ${connectionId} and customer_external_id = ${customerExternalId} and revoked_at is null`;
  return res.count;
}

export interface LinkSummary {
  live: number;
  lastIssued: Date | null;
  lastViewed: Date | null;
}

export async function linkSummary(sql: Sql, tenantId: string, connectionId: string, customerExternalId: string, now = new Date()): Promise<LinkSummary> {
  const [row] = await sql<{ live: number; last_issued: Date | null; last_viewed: Date | null }[]>`
    select count(*) filter (where revoked_at is null and expires_at > ${now})::int as live, max(created_at) as last_issued, max(viewed_at) as last_viewed
    from portal_links where tenant_id = ${tenantId} and connection_id = ${connectionId} and customer_external_id = ${customerExternalId}`;
  return { live: row!.live, lastIssued: row!.last_issued, lastViewed: row!.last_viewed };
}

/**
 * The link a reminder carries: its token is derived from the action's key with the service's secret (HMAC-SHA256,
 * 256 bits no one can guess without the key), so every attempt to send one reminder prints the same link, and each
 * reminder hands out a fresh one valid LINK_DAYS from its first send. Stored, as always, by its hash only.
 */
export async function linkForAction(sql: Sql, secretKey: Buffer, scope: { tenantId: string; connectionId: string; customerExternalId: string }, actionKey: string, now = new Date()): Promise<string> {
  const token = createHmac('sha256', secretKey).update(`portal-link\u0000${scope.tenantId}\u0000${actionKey}`).digest('base64url');
  const expiresAt = new Date(now.getTime() + LINK_DAYS * 86_400_000);
  await sql`insert into portal_links (tenant_id, connection_id, customer_external_id, token_hash, created_at, expires_at)
    values (${scope.tenantId}, ${scope.connectionId}, ${scope.customerExternalId}, ${hashOf(token)}, ${now}, ${expiresAt})
    on conflict (token_hash) do nothing`;
  return token;
}

/**
 * The link a letter prints, under its QR code: the same derivation as linkForAction, cut to 128 bits and written in
 * Crockford's base 32 so that a person can type it (26 characters). A letter is its own hand-out: its link differs
 * from the email's, and a retry prints the same one.
 */
export async function letterLinkForAction(sql: Sql, secretKey: Buffer, scope: { tenantId: string; connectionId: string; customerExternalId: string }, actionKey: string, now = new Date()): Promise<string> {
  const token = crockford(createHmac('sha256', secretKey).update(`portal-letter\u0000${scope.tenantId}\u0000${actionKey}`).digest().subarray(0, 16));
  const expiresAt = new Date(now.getTime() + LINK_DAYS * 86_400_000);
  await sql`insert into portal_links (tenant_id, connection_id, customer_external_id, token_hash, created_at, expires_at)
    values (${scope.tenantId}, ${scope.connectionId}, ${scope.customerExternalId}, ${hashOf(token)}, ${now}, ${expiresAt})
    on conflict (token_hash) do nothing`;
  return groupShort(token);
}

/** The public address of a portal link: PUBLIC_URL when set, else the service's own loopback address. */
export const portalUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/p/${token}`;
