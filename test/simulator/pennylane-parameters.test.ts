// The Pennylane simulator reads only the list parameters Pennylane's v2 description declares (filter, sort, limit, cursor).
import { describe, expect, it } from 'vitest';
import { pennylane } from '../../connectors/pennylane/index.js';
import { createPennylaneSimulator } from '../../connectors/pennylane/simulator/index.js';
import { createProviderHttp } from '../../src/connectors/http.js';
import { createMemoryRateGate } from '../../src/connectors/rate-gate.js';
import { createTokenSource } from '../../src/connectors/tokens.js';
import { useDatabase } from '../support/db.js';
import { TEST_SECRET_KEY, connectTo, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim } = useSimulator(createPennylaneSimulator({ seed: 5, invoices: 40, customers: 6 }));

type Page = { items: { id: number }[]; has_more: boolean };

describe('Pennylane simulator list parameters', () => {
  it('filters on `filter`, and ignores `filters` (a spelling some guides show) and `page`, as undeclared parameters', async () => {
    const c = await connectTo(sql, pennylane, sim);
    const tokens = createTokenSource({ sql, secretKey: TEST_SECRET_KEY, connector: pennylane, client: c.client, tenantId: c.tenant.id, connectionId: c.connection.id });
    const http = createProviderHttp({ connector: pennylane, client: c.client, externalTenantId: c.externalTenantId, tokens, gate: createMemoryRateGate() });
    const all = (await http.get<Page>('/customer_invoices', { params: { limit: 100, sort: 'id' } })).data.items.map((i) => i.id);
    expect(all.length).toBeGreaterThan(5);
    const wanted = [all[2]!, all[4]!];
    const byId = JSON.stringify([{ field: 'id', operator: 'in', value: wanted }]);
    expect((await http.get<Page>('/customer_invoices', { params: { filter: byId, limit: 100, sort: 'id' } })).data.items.map((i) => i.id)).toEqual(wanted);
    expect((await http.get<Page>('/customer_invoices', { params: { filters: byId, limit: 100, sort: 'id' } })).data.items.map((i) => i.id)).toEqual(all);
    expect((await http.get<Page>('/customer_invoices', { params: { page: 2, limit: 100, sort: 'id' } })).data.items.map((i) => i.id)).toEqual(all);
  });
});
