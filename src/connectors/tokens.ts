// Access tokens for a connection: decrypted on demand, refreshed ahead of expiry under a per-connection lock, rotated tokens saved before use.
import type { Sql } from '../store/db.js';
import { SecretUnreadable } from '../store/secrets.js';
import { loadCredentials, saveCredentials, updateConnection } from '../store/tenants.js';
import { AuthExpired, NotConnected } from './errors.js';
import type { AccessTokenSource } from './http.js';
import type { Connector, OAuthClientConfig, OAuthTokens } from './types.js';

export interface TokenSourceOptions {
  sql: Sql;
  secretKey: Buffer;
  connector: Connector;
  client: OAuthClientConfig;
  tenantId: string;
  connectionId: string;
  /** Refresh when the access token has less than this left (default: the connector's refreshAheadMs, else 5 minutes). */
  refreshAheadMs?: number;
  now?: () => number;
}

export { NotConnected } from './errors.js';

/**
 * Refreshing is serialized per connection with a PostgreSQL advisory lock held in a transaction, so two
 * workers (or two processes) never spend the same refresh token: the second one re-reads inside the lock and
 * finds the first one's new tokens. The rotated pair is committed before the new access token is used; if the
 * process dies between the provider's answer and the commit, the old refresh token is still accepted for the
 * provider's grace period (hours or minutes, depending on the provider), so the next attempt recovers.
 */
export function createTokenSource(options: TokenSourceOptions): AccessTokenSource {
  const { sql, secretKey, connector, client, tenantId, connectionId } = options;
  const now = options.now ?? Date.now;
  const ahead = options.refreshAheadMs ?? connector.refreshAheadMs ?? 5 * 60_000;
  let cached: OAuthTokens | null = null;
  // Concurrent requests of this process share one refresh.
  let inflight: Promise<OAuthTokens> | null = null;

  const load = async (db: Sql) => {
    const tokens = await loadCredentials<OAuthTokens>(db, secretKey, tenantId, connectionId).catch((err: unknown) => {
      if (!(err instanceof SecretUnreadable)) throw err;
      throw new NotConnected(`The ${connector.displayName} credentials of connection ${connectionId} cannot be read with this secret key: RELANCE_SECRET_KEY (or the key file) changed since they were saved. Put the old key back, or reconnect the company from the Connections page.`);
    });
    if (!tokens) throw new NotConnected(`Connection ${connectionId} has no ${connector.displayName} credentials. Connect the company from the Connections page.`);
    return tokens;
  };
  const fresh = (t: OAuthTokens) => Date.parse(t.accessTokenExpiresAt) - now() > ahead;

  async function refresh(force: boolean, stale: string): Promise<OAuthTokens> {
    try {
      return await sql.begin(async (tx) => {
        const db = tx as unknown as Sql;
        await db`select pg_advisory_xact_lock(hashtextextended(${`relance:refresh:${connectionId}`}, 0))`;
        const current = await load(db);
        // Someone else refreshed while we waited for the lock.
        if (current.accessToken !== stale && fresh(current)) return current;
        if (!force && fresh(current)) return current;
        const rotated = await connector.auth.refresh(client, current);
        await saveCredentials(db, secretKey, tenantId, connectionId, rotated);
        return rotated;
      });
    } catch (err) {
      if (err instanceof AuthExpired) {
        await updateConnection(sql, tenantId, connectionId, { status: 'needs_reconnect', statusDetail: err.message });
      }
      throw err;
    }
  }

  return {
    async accessToken(force = false, rejected?: string) {
      if (!cached) cached = await load(sql);
      // A 401 answering a token this process has already replaced: the newer one is the answer, not another refresh.
      if (force && rejected !== undefined && rejected !== cached.accessToken && fresh(cached)) return cached.accessToken;
      if (force || !fresh(cached)) {
        inflight ??= refresh(force, rejected ?? cached.accessToken).finally(() => (inflight = null));
        cached = await inflight;
      }
      return cached.accessToken;
    },
  };
}
