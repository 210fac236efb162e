// Browser sessions: the cookie, loading the session and its tenant, the sign-in guard and the per-session CSRF check.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { Sql } from '../../store/db.js';
import { createSession, deleteSession, findSession, type Session } from '../../store/auth.js';
import { getTenant, type Tenant } from '../../store/tenants.js';
import { activeUser, type Role } from '../../store/team.js';
import { sameSecret } from './secrets.js';

export const SESSION_COOKIE = 'relance_session';
export const SESSION_TTL_MS = 12 * 60 * 60_000;

/** `role` is read from the team member at every request (a change or a removal applies at once); the self-hosted admin is admin. */
export type SessionVariables = { session: Session; tenant: Tenant | null; role: Role };

export interface CookiePolicy {
  /** Secure cookies when the public URL is https (browsers drop Secure cookies on plain http). */
  secure: boolean;
}

export function cookiePolicy(publicUrl: string | undefined): CookiePolicy {
  return { secure: Boolean(publicUrl && publicUrl.startsWith('https://')) };
}

/** Opens a session for `email` and sets its cookie (HttpOnly, SameSite=Lax, Secure over https). */
export async function signIn(c: Context, sql: Sql, email: string, policy: CookiePolicy, tenantId: string | null, locked = false, userId: string | null = null): Promise<Session> {
  const { token, session } = await createSession(sql, email, SESSION_TTL_MS, tenantId, locked, userId);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: policy.secure, path: '/', maxAge: SESSION_TTL_MS / 1000 });
  return session;
}

export async function signOut(c: Context, sql: Sql, session: Session | undefined): Promise<void> {
  if (session) await deleteSession(sql, session.id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Loads the session (if any) and its tenant into the context; never rejects. */
export function loadSession(sql: Sql): MiddlewareHandler<{ Variables: Partial<SessionVariables> }> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await findSession(sql, token);
      // A member removed from the team (or moved to another company) is signed out at their next request.
      const user = session?.userId ? await activeUser(sql, session.userId) : null;
      if (session && (!session.userId || (user && user.tenantId === session.tenantId))) {
        c.set('session', session);
        c.set('tenant', session.tenantId ? await getTenant(sql, session.tenantId) : null);
        c.set('role', user ? user.role : 'admin');
      }
    }
    await next();
  };
}

/** Pages need a signed-in admin: others go to the sign-in page (with where they were going). */
export function requireSession(): MiddlewareHandler<{ Variables: Partial<SessionVariables> }> {
  return async (c, next) => {
    if (!c.get('session')) {
      if (c.req.method === 'GET') return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`, 302);
      return c.text('Sign in first.', 401);
    }
    await next();
  };
}

/**
 * Two CSRF layers on every form post: the Origin / Sec-Fetch-Site check (hono/csrf; the public URL's origin is
 * accepted too, for a reverse proxy) and, once signed in, the session's token in the `_csrf` field.
 */
export function csrfProtection(publicUrl: string | undefined): MiddlewareHandler<{ Variables: Partial<SessionVariables> }> {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : null;
  const origin = csrf({ origin: (o, c) => o === new URL(c.req.url).origin || o === publicOrigin });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    let blocked = false;
    await origin(c, async () => undefined).catch(() => {
      blocked = true;
    });
    if (blocked) return c.text('Request refused: it did not come from this site (CSRF protection).', 403);
    const session = c.get('session');
    if (session) {
      const body = await c.req.parseBody();
      const token = typeof body['_csrf'] === 'string' ? body['_csrf'] : '';
      if (!sameSecret(token, session.csrfToken)) return c.text('Request refused: the form has expired or was not sent from this site. Reload the page and try again.', 403);
    }
    await next();
  };
}
