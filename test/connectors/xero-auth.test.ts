// Xero's code exchange on its simulator: the organisation comes from GET /connections, which goes through the common
// HTTP layer, so a refused token, a throttle, an outage or a mangled body comes back as a typed error, never axios's.
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { auth } from '../../connectors/xero/auth.js';
import { DEFAULT_TENANT_ID, DEFAULT_TENANT_NAME, createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { AuthExpired, ProviderRejected, ProviderUnavailable, RateLimited } from '../../src/connectors/errors.js';
import { answerGet, exchangeOnSimulator, simulatorClient, useSimulator } from '../support/providers.js';

const { sim, server } = useSimulator(createXeroSimulator());
const client = simulatorClient('xero', sim);
const connectionsUrl = sim.baseUrls.connections;

const connect = () => exchangeOnSimulator({ auth }, client, sim);
const connectionsAnswer = (...answers: (() => Response)[]) => answerGet(server, connectionsUrl, ...answers);

describe('Xero code exchange', () => {
  it('names the organisation the consent reached, asking GET /connections with the new access token', async () => {
    const result = await connect();
    expect(result).toMatchObject({ externalTenantId: DEFAULT_TENANT_ID, companyName: DEFAULT_TENANT_NAME });
    expect(result.tokens.accessToken).toBeTruthy();
  });

  it('turns a refused token into AuthExpired, asked once', async () => {
    const seen = connectionsAnswer(() => HttpResponse.json({ Title: 'Unauthorized', Detail: 'TokenExpired' }, { status: 401 }));
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthExpired);
    expect((err as Error).message).toContain('TokenExpired');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toMatch(/^Bearer .+/);
  });

  it('turns a throttle into RateLimited with Xero’s wait, and a refusal into ProviderRejected', async () => {
    connectionsAnswer(() => HttpResponse.json({ Title: 'Too Many Requests' }, { status: 429, headers: { 'retry-after': '7', 'x-rate-limit-problem': 'appminute' } }));
    const throttled = await connect().catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(RateLimited);
    expect((throttled as RateLimited).retryAfterMs).toBe(7000);
    connectionsAnswer(() => HttpResponse.json({ Title: 'Bad Request', Detail: 'no such app' }, { status: 400 }));
    expect(await connect().catch((e: unknown) => e)).toBeInstanceOf(ProviderRejected);
  });

  it('retries an outage and goes on when Xero answers', async () => {
    const seen = connectionsAnswer(
      () => HttpResponse.text('upstream timed out', { status: 503 }),
      () => HttpResponse.json([{ id: 'c1', tenantId: 'org-after-retry', tenantType: 'ORGANISATION', tenantName: 'Après Reprise SARL', updatedDateUtc: '2026-12-01T10:00:00' }]),
    );
    expect(await connect()).toMatchObject({ externalTenantId: 'org-after-retry', companyName: 'Après Reprise SARL' });
    expect(seen).toHaveLength(2);
  });

  it('reports a lasting outage or a truncated body as ProviderUnavailable after its retries, not as an empty list', async () => {
    const down = connectionsAnswer(() => HttpResponse.text('<html>Service Unavailable</html>', { status: 502 }));
    const outage = await connect().catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(ProviderUnavailable);
    expect(down).toHaveLength(3);
    const cut = connectionsAnswer(() => new HttpResponse('[{"id":"c1","tenantId":"org', { status: 200, headers: { 'content-type': 'application/json' } }));
    const truncated = await connect().catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(ProviderUnavailable);
    expect((truncated as Error).message).toMatch(/not valid JSON/);
    expect(cut).toHaveLength(3);
  });

  it('still refuses a consent that reached no organisation', async () => {
    connectionsAnswer(() => HttpResponse.json([{ id: 'p1', tenantId: 'practice-1', tenantType: 'PRACTICE', tenantName: 'A Practice' }]));
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthExpired);
    expect((err as Error).message).toMatch(/no organisation/);
  });
});
