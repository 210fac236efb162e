// Token refresh: a 401 refreshes once, and a late 401 on a token already replaced reuses the newer one instead of refreshing again.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { AuthExpired } from '../../src/connectors/errors.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { NotConnected, createTokenSource, type TokenSourceOptions } from '../../src/connectors/tokens.js';
import type { Connector, OAuthTokens } from '../../src/connectors/types.js';
import { getConnection, loadCredentials, saveCredentials } from '../../src/store/tenants.js';
import { newTenant, useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY } from '../support/providers.js';

/** What happened, in order: refreshes, saves of credentials (once written) and uses of a token. */
const events = vi.hoisted((): string[] => []);
vi.mock('../../src/store/tenants.js', async (importOriginal) => {
  const store = await importOriginal<typeof import('../../src/store/tenants.js')>();
  return {
    ...store,
    saveCredentials: async (...args: Parameters<typeof store.saveCredentials>) => {
      await store.saveCredentials(...args);
      events.push(`saved ${(args[4] as OAuthTokens).refreshToken}`);
    },
  };
});

const sql = useDatabase();
const hour = (ms: number) => new Date(ms + 3_600_000).toISOString();

/** A connector whose token endpoint is `refresh`, and nothing else. */
const refreshingConnector = (refresh: (client: unknown, current: OAuthTokens) => Promise<OAuthTokens>) =>
  ({ provider: 'test', displayName: 'Test', auth: { refresh } }) as unknown as Connector;

/** A connector whose token endpoint hands out T2, T3… (answering after `latencyMs`) and counts the refresh tokens it was given. */
function rotatingConnector(latencyMs = 0) {
  const spent: string[] = [];
  let n = 1;
  const connector = refreshingConnector(async (_client, current) => {
    spent.push(current.refreshToken);
    events.push(`refreshed ${current.refreshToken}`);
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    n += 1;
    return { accessToken: `T${n}`, refreshToken: `R${n}`, accessTokenExpiresAt: hour(Date.now()) };
  });
  return { connector, spent };
}

describe('token source', () => {
  it('refreshes once for a 401, and a late 401 on the replaced token takes the new one without spending a refresh token', async () => {
    const t = await newTenant(sql);
    await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: hour(Date.now()) });
    const { connector, spent } = rotatingConnector();
    const source = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id });
    expect(await source.accessToken()).toBe('T1');
    // Two requests were sent with T1; the first 401 refreshes, saving the rotated pair before it is used.
    expect(await source.accessToken(true, 'T1')).toBe('T2');
    expect((await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id))!.refreshToken).toBe('R2');
    // The second 401 answers T1 too: T2 is the answer, and R2 is not spent.
    expect(await source.accessToken(true, 'T1')).toBe('T2');
    expect(spent).toEqual(['R1']);
    // A 401 on T2 itself (revoked early) does refresh.
    expect(await source.accessToken(true, 'T2')).toBe('T3');
    expect(spent).toEqual(['R1', 'R2']);
  });

  it('another process that refreshed meanwhile is found inside the lock, not refreshed again', async () => {
    const t = await newTenant(sql);
    await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: hour(Date.now()) });
    const { connector, spent } = rotatingConnector();
    const options = { sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id };
    const a = createTokenSource(options);
    const b = createTokenSource(options);
    expect([await a.accessToken(), await b.accessToken()]).toEqual(['T1', 'T1']);
    expect(await a.accessToken(true, 'T1')).toBe('T2');
    // b still holds T1 and got a 401 for it: the stored T2 is newer than what was rejected.
    expect(await b.accessToken(true, 'T1')).toBe('T2');
    expect(spent).toEqual(['R1']);
  });

  it('refreshes an expired access token once for concurrent requests, saving the rotated tokens before any request uses them', async () => {
    const t = await newTenant(sql);
    await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() });
    events.length = 0;
    // A slow token endpoint: every request has read the expired token before the first refresh is saved.
    const { connector, spent } = rotatingConnector(200);
    const source = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id });
    const use = async () => {
      const token = await source.accessToken();
      events.push(`used ${token}`);
    };
    await Promise.all([use(), use(), use()]);
    // Order: the rotated pair is written before the first request goes out with it, so a crash cannot lose R2.
    expect(events).toEqual(['refreshed R1', 'saved R2', 'used T2', 'used T2', 'used T2']);
    // Count: one refresh token spent for the three requests.
    expect(spent).toEqual(['R1']);
    expect(await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id)).toMatchObject({ accessToken: 'T2', refreshToken: 'R2' });
  });

  describe('when to refresh, and what a failed refresh leaves', () => {
    // The token endpoint of rotatingConnector hands out tokens valid for an hour of the wall clock: the stopped clock is now.
    const NOW = Date.now();
    const expiringIn = (ms: number) => new Date(NOW + ms).toISOString();
    /** A stored T1/R1 pair whose access token has `leftMs` to live at NOW, and a source on a clock stopped at NOW. */
    async function stored(leftMs: number, patch: Partial<TokenSourceOptions> = {}) {
      const t = await newTenant(sql);
      await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: expiringIn(leftMs) });
      const { connector, spent } = rotatingConnector();
      const options: TokenSourceOptions = { sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id, now: () => NOW, ...patch };
      return { t, spent, options, source: createTokenSource(options) };
    }

    it('refreshes ahead of expiry: five minutes by default, the connector’s own margin, or the one given', async () => {
      // Just over five minutes left: used as it is; exactly five: refreshed.
      const kept = await stored(5 * 60_000 + 1);
      expect(await kept.source.accessToken()).toBe('T1');
      expect(kept.spent).toEqual([]);
      const due = await stored(5 * 60_000);
      expect(await due.source.accessToken()).toBe('T2');
      expect(due.spent).toEqual(['R1']);
      // A connector that asks for one minute ahead keeps a token with four minutes left.
      const own = await stored(4 * 60_000);
      const { connector: oneMinute, spent } = rotatingConnector();
      (oneMinute as { refreshAheadMs?: number }).refreshAheadMs = 60_000;
      expect(await createTokenSource({ ...own.options, connector: oneMinute }).accessToken()).toBe('T1');
      expect(spent).toEqual([]);
      // The option wins over both.
      const given = await stored(20 * 60_000, { refreshAheadMs: 30 * 60_000 });
      expect(await given.source.accessToken()).toBe('T2');
    });

    it('reads the clock it is given, not the wall clock', async () => {
      // Expired an hour before the stopped clock, though far in the wall clock's future: refreshed.
      const t = await newTenant(sql);
      await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      const { connector, spent } = rotatingConnector();
      const source = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id, now: () => Date.now() + 2 * 86_400_000 });
      expect(await source.accessToken()).toBe('T2');
      expect(spent).toEqual(['R1']);
    });

    it('keeps the token in memory while it is fresh: no database read per request', async () => {
      const a = await stored(3_600_000);
      expect(await a.source.accessToken()).toBe('T1');
      // Another process rotates the pair meanwhile: this one goes on with T1 until T1 is refused or runs out.
      await saveCredentials(sql, TEST_SECRET_KEY, a.t.tenant.id, a.t.connection.id, { accessToken: 'T9', refreshToken: 'R9', accessTokenExpiresAt: expiringIn(3_600_000) });
      expect(await a.source.accessToken()).toBe('T1');
      expect(await a.source.accessToken(true, 'T1')).toBe('T9');
      expect(a.spent).toEqual([]);
    });

    it('a refused refresh marks the connection for reconnecting, with the reason, and is thrown', async () => {
      const a = await stored(-60_000);
      const dead = new AuthExpired('test', 'invalid_grant');
      const connector = { ...a.options.connector, auth: { refresh: async () => Promise.reject(dead) } } as unknown as Connector;
      await expect(createTokenSource({ ...a.options, connector }).accessToken()).rejects.toBe(dead);
      expect(await getConnection(sql, a.t.tenant.id, a.t.connection.id)).toMatchObject({ status: 'needs_reconnect', statusDetail: dead.message });
    });

    it('a refresh that fails otherwise (the provider down) leaves the connection as it was, and the stored pair too', async () => {
      const a = await stored(-60_000);
      const before = await getConnection(sql, a.t.tenant.id, a.t.connection.id);
      const connector = { ...a.options.connector, auth: { refresh: async () => Promise.reject(new Error('token endpoint unreachable')) } } as unknown as Connector;
      await expect(createTokenSource({ ...a.options, connector }).accessToken()).rejects.toThrow('token endpoint unreachable');
      expect(await getConnection(sql, a.t.tenant.id, a.t.connection.id)).toEqual(before);
      expect(await loadCredentials<OAuthTokens>(sql, TEST_SECRET_KEY, a.t.tenant.id, a.t.connection.id)).toMatchObject({ accessToken: 'T1', refreshToken: 'R1' });
    });

    it('a connection without tokens says so, naming the provider', async () => {
      const t = await newTenant(sql);
      const { connector } = rotatingConnector();
      const err = await createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id })
        .accessToken()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotConnected);
      expect((err as Error).name).toBe('NotConnected');
      expect((err as Error).message).toBe(`Connection ${t.connection.id} has no Test credentials. Connect the company from the Connections page.`);
    });

    it('credentials saved under another secret key say so, and what to do, instead of failing to decrypt', async () => {
      const t = await newTenant(sql);
      await saveCredentials(sql, randomBytes(32), t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: hour(Date.now()) });
      const { connector } = rotatingConnector();
      const err = await createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id })
        .accessToken()
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotConnected);
      expect((err as Error).message).toBe(`The Test credentials of connection ${t.connection.id} cannot be read with this secret key: RELANCE_SECRET_KEY (or the key file) changed since they were saved. Put the old key back, or reconnect the company from the Connections page.`);
    });

    it('a request on a connection without usable credentials fails at once, not after retries as if the network were down', async () => {
      const t = await newTenant(sql);
      const { connector } = rotatingConnector();
      const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id });
      const sleeps: number[] = [];
      const http = createProviderHttp({
        connector: { ...connector, apiBaseUrl: () => 'http://127.0.0.1:9', rateLimits: { perMinute: 1000, concurrent: 1, defaultBackoffMs: 1000 }, defaultHeaders: () => ({}), classifyError: () => new Error('unused') } as unknown as Connector,
        client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' },
        externalTenantId: 'x',
        tokens,
        gate: createMemoryRateGate(),
        sleep: async (ms) => void sleeps.push(ms),
      });
      const err = await http.get('/anything').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotConnected);
      expect(sleeps).toEqual([]);
    });

    it('two processes finding the same expired token at once spend its refresh token once: the second waits for the first', async () => {
      const t = await newTenant(sql);
      await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() });
      const { connector, spent } = rotatingConnector(300);
      const options = { sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id };
      expect(await Promise.all([createTokenSource(options).accessToken(), createTokenSource(options).accessToken()])).toEqual(['T2', 'T2']);
      expect(spent).toEqual(['R1']);
    });
  
    it('a forced refresh that names no refused token refreshes even a fresh one', async () => {
      const a = await stored(3_600_000);
      expect(await a.source.accessToken()).toBe('T1');
      expect(await a.source.accessToken(true)).toBe('T2');
      expect(a.spent).toEqual(['R1']);
    });

    it('a late 401 on a token this process has replaced is answered from memory, without going back to the store', async () => {
      const a = await stored(3_600_000);
      expect(await a.source.accessToken(true, 'T1')).toBe('T2');
      // Another process rotates again meanwhile; this one answers a late 401 on T1 with the T2 it holds.
      await saveCredentials(sql, TEST_SECRET_KEY, a.t.tenant.id, a.t.connection.id, { accessToken: 'T9', refreshToken: 'R9', accessTokenExpiresAt: expiringIn(3_600_000) });
      expect(await a.source.accessToken(true, 'T1')).toBe('T2');
      expect(a.spent).toEqual(['R1']);
    });

    it('a provider that hands back the same access token with a later expiry: another process’s refresh is found, not repeated', async () => {
      let clock = NOW;
      const t = await newTenant(sql);
      await saveCredentials(sql, TEST_SECRET_KEY, t.tenant.id, t.connection.id, { accessToken: 'T1', refreshToken: 'R1', accessTokenExpiresAt: expiringIn(3_600_000) });
      const spent: string[] = [];
      const connector = refreshingConnector(async (_client, current) => {
        spent.push(current.refreshToken);
        return { accessToken: current.accessToken, refreshToken: `R${spent.length + 1}`, accessTokenExpiresAt: new Date(clock + 3_600_000).toISOString() };
      });
      const options = { sql, secretKey: TEST_SECRET_KEY, connector, client: { clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1/cb' }, tenantId: t.tenant.id, connectionId: t.connection.id, now: () => clock };
      const a = createTokenSource(options);
      const b = createTokenSource(options);
      expect([await a.accessToken(), await b.accessToken()]).toEqual(['T1', 'T1']);
      clock += 2 * 3_600_000;
      // a refreshes: T1 again, valid for another hour. b's copy has run out, but the store's has not.
      expect(await a.accessToken()).toBe('T1');
      expect(await b.accessToken()).toBe('T1');
      expect(spent).toEqual(['R1']);
    });

    it('one connection’s slow refresh does not hold up another connection’s', async () => {
      const slow = await stored(-60_000);
      const other = await stored(-60_000);
      let otherDone!: () => void;
      const otherRefreshed = new Promise<void>((resolve) => (otherDone = resolve));
      let slowStarted!: () => void;
      const slowInLock = new Promise<void>((resolve) => (slowStarted = resolve));
      let waitedFor = '';
      const slowConnector = {
        ...slow.options.connector,
        auth: {
          // The slow token endpoint answers once the other connection has refreshed, or after 5 s.
          refresh: async (): Promise<OAuthTokens> => {
            slowStarted();
            waitedFor = await Promise.race([otherRefreshed.then(() => 'the other connection'), new Promise<string>((r) => setTimeout(() => r('5 s'), 5000))]);
            return { accessToken: 'S2', refreshToken: 'SR2', accessTokenExpiresAt: expiringIn(3_600_000) };
          },
        },
      } as unknown as Connector;
      const slowToken = createTokenSource({ ...slow.options, connector: slowConnector }).accessToken();
      await slowInLock;
      expect(await other.source.accessToken()).toBe('T2');
      otherDone();
      expect(await slowToken).toBe('S2');
      expect(waitedFor).toBe('the other connection');
    });
  });
});

