// QuickBooks' code exchange on its simulator: the company's name comes from CompanyInfo through the kit's token-time
// call. The name is a courtesy: when Intuit refuses or fails, the install goes on without it (the realmId is what counts).
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { auth } from '../../connectors/quickbooks/auth.js';
import { MINOR_VERSION } from '../../connectors/quickbooks/client.js';
import { createQuickBooksSimulator } from '../../connectors/quickbooks/simulator/index.js';
import { answerGet, exchangeOnSimulator, simulatorClient, useSimulator } from '../support/providers.js';

const { sim, server } = useSimulator(createQuickBooksSimulator());
const client = simulatorClient('quickbooks', sim);
const infoUrl = `${sim.baseUrls.api}/v3/company/${sim.realmId}/companyinfo/${sim.realmId}`;
const connect = () => exchangeOnSimulator({ auth }, client, sim);

describe('QuickBooks code exchange', () => {
  it('names the company from CompanyInfo, asked with the new token and the pinned minor version', async () => {
    const seen = answerGet(server, infoUrl, () => HttpResponse.json({ CompanyInfo: { CompanyName: '  Atelier Dupont SARL ' }, time: '2026-12-06T08:00:00Z' }));
    expect(await connect()).toMatchObject({ externalTenantId: sim.realmId, companyName: 'Atelier Dupont SARL' });
    expect(seen).toHaveLength(1);
    expect(new URL(seen[0]!.url).searchParams.get('minorversion')).toBe(String(MINOR_VERSION));
    expect(seen[0]!.authorization).toMatch(/^Bearer .+/);
  });

  it('goes on without a name when CompanyInfo is refused, down or truncated, retrying an outage once', async () => {
    const refused = answerGet(server, infoUrl, () => HttpResponse.json({ Fault: { Error: [{ Message: 'AuthorizationFailed', code: '003100' }], type: 'SERVICE' } }, { status: 403 }));
    const noName = await connect();
    expect(noName.externalTenantId).toBe(sim.realmId);
    expect(noName).not.toHaveProperty('companyName');
    expect(refused).toHaveLength(1);
    const down = answerGet(server, infoUrl, () => HttpResponse.text('bad gateway', { status: 502 }));
    expect(await connect()).not.toHaveProperty('companyName');
    expect(down).toHaveLength(2);
    answerGet(server, infoUrl, () => new HttpResponse('{"CompanyInfo":{"CompanyNa', { status: 200, headers: { 'content-type': 'application/json' } }));
    expect(await connect()).not.toHaveProperty('companyName');
  });
});
