// Pennylane's code exchange on its simulator: the company comes from GET /me through the kit's token-time call, so a
// refused token, an outage or a truncated body comes back as a typed error, never as "the consent reached no company".
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { auth } from '../../connectors/pennylane/auth.js';
import { DEFAULT_COMPANY_ID, DEFAULT_COMPANY_NAME, createPennylaneSimulator } from '../../connectors/pennylane/simulator/index.js';
import { AuthExpired, ProviderUnavailable } from '../../src/connectors/errors.js';
import { answerGet, exchangeOnSimulator, simulatorClient, useSimulator } from '../support/providers.js';

const { sim, server } = useSimulator(createPennylaneSimulator());
const client = simulatorClient('pennylane', sim);
const meUrl = `${sim.baseUrls.api}/me`;
const connect = () => exchangeOnSimulator({ auth }, client, sim);

describe('Pennylane code exchange', () => {
  it('names the company the consent reached, from GET /me with the new token', async () => {
    const result = await connect();
    expect(result).toMatchObject({ externalTenantId: String(DEFAULT_COMPANY_ID), companyName: DEFAULT_COMPANY_NAME });
  });

  it('turns a refused token into AuthExpired, asked once', async () => {
    const seen = answerGet(server, meUrl, () => HttpResponse.json({ error: 'invalid_token' }, { status: 401 }));
    expect(await connect().catch((e: unknown) => e)).toBeInstanceOf(AuthExpired);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toMatch(/^Bearer .+/);
  });

  it('retries an outage, and reports a truncated body as ProviderUnavailable rather than as no company', async () => {
    const retried = answerGet(server, meUrl, () => HttpResponse.text('bad gateway', { status: 502 }), () => HttpResponse.json({ user: { id: 1 }, company: { id: 99, name: 'Après Reprise SAS' } }));
    expect(await connect()).toMatchObject({ externalTenantId: '99', companyName: 'Après Reprise SAS' });
    expect(retried).toHaveLength(2);
    const cut = answerGet(server, meUrl, () => new HttpResponse('{"user":{"id":1},"company":{"id":9', { status: 200, headers: { 'content-type': 'application/json' } }));
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailable);
    expect((err as Error).message).toMatch(/not valid JSON/);
    expect(cut).toHaveLength(3);
  });

  it('still refuses a token that names no company (a firm account)', async () => {
    answerGet(server, meUrl, () => HttpResponse.json({ user: { id: 1 } }));
    const err = await connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthExpired);
    expect((err as Error).message).toMatch(/named no company/);
  });
});
