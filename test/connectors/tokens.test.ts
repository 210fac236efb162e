// Token refresh: a 401 refreshes once, and a late 401 on a token already replaced reuses the newer one instead of refreshing again.
import { describe, expect, it, vi } from 'vitest';
import { createTokenSource } from '../../src/connectors/tokens.js';
import type { Connector, OAuthTokens } from '../../src/connectors/types.js';
import { loadCredentials, saveCredentials } from '../../src/store/tenants.js';
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

/** A connector whose token endpoint hands out T2, T3… (answering after `latencyMs`) and counts the refresh tokens it was given. */
function rotatingConnector(latencyMs = 0) {
  const spent: string[] = [];
  let n = 1;
  const connector = {
    provider: 'test',
    displayName: 'Test',
    auth: {
      refresh: async (_client: unknown, current: OAuthTokens): Promise<OAuthTokens> => {
        spent.push(current.refreshToken);
        events.push(`refreshed ${current.refreshToken}`);
        await new Promise((resolve) => setTimeout(resolve, latencyMs));
        n += 1;
        return { accessToken: `T${n}`, refreshToken: `R${n}`, accessTokenExpiresAt: hour(Date.now()) };
      },
    },
  } as unknown as Connector;
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
});
