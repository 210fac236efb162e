// The claim declaration from the customer's page, through the real routes: a PDF for a customer under proceedings,
// a refusal said on the page (in French) when a reference rate is not known yet or once the opening notice was
// withdrawn, and nothing for another company's customer.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { parseNotices } from '../../src/insolvency/bodacc.js';
import { applyNotice } from '../../src/insolvency/effects.js';
import { recordNotice } from '../../src/store/insolvency.js';
import { Invoice } from '../../src/model/index.js';
import { taskOpener } from '../../src/worklist/open.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';
import { SIREN, record } from './fixtures.js';

const sql = useDatabase();

describe('claim declaration from the customer page', () => {
  it('downloads the PDF, refuses once the notice is withdrawn, and never serves another company', async () => {
    // c1: judgment of 5 March 2024 (rates known); c2: judgment of 15 October 2026 (the H2 2026 ECB rate is not shipped).
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [Invoice.parse({ ...invoice('2', 'c2', '2026-10-01', '900.00'), externalId: '1', number: 'F-1', customerExternalId: 'c1', issueDate: '2023-12-01', dueDate: '2024-01-10' }), invoice('2', 'c2', '2026-10-01', '450.00')]);
    const other = await seedTenant(sql, [customer('c1', 'Autre')], [invoice('1', 'c1', '2026-10-01', '900.00')]);
    await sql`update customers set reg_no = ${SIREN} where tenant_id = ${t.tenant.id} and external_id = 'c1'`;
    await sql`update customers set reg_no = '732829320' where tenant_id = ${t.tenant.id} and external_id = 'c2'`;
    const add = async (rec: Record<string, unknown>, siren = SIREN) => {
      for (const s of await recordNotice(sql, t.tenant.id, parseNotices(siren, [{ ...rec, registre: [siren] }]).notices[0]!)) await applyNotice(sql, t.tenant.id, s.notice, { openTask: taskOpener(sql), actor: 'relance' });
    };
    await add(record({ id: 'A202400000042' }));
    await add(record({ id: 'A202600000042', dateparution: '2026-10-27' }, { date: '2026-10-15' }), '732829320');
    const fr = new Browser(createUi(uiDeps(sql)), { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const url = `/customers/${t.connection.id}/c1/declaration.pdf?retention=1&guarantees=${encodeURIComponent('Caution bancaire')}`;
    expect(await (await fr.request(`/customers/${t.connection.id}/c1`)).text()).toContain('data-declaration');
    const res = await fr.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('declaration-de-creance-A202400000042.pdf');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    // Another company's customer with the same id: not found.
    expect((await fr.request(`/customers/${other.connection.id}/c1/declaration.pdf`)).status).toBe(404);

    // A rate the interest needs is not known: the page says so, in French, rather than a guess or an error.
    const noRate = await fr.request(`/customers/${t.connection.id}/c2/declaration.pdf`);
    expect(noRate.status).toBe(303);
    expect(noRate.headers.get('location')).toContain('declaration=rate_missing');
    expect(await (await fr.request(noRate.headers.get('location')!)).text()).toContain('Le taux de référence nécessaire aux intérêts n’est pas encore connu');

    await add(record({ id: 'A202400000061', dateparution: '2024-03-29', typeavis: 'annulation', typeavis_lib: "Avis d'annulation" }));
    const page = await (await fr.request(`/customers/${t.connection.id}/c1`)).text();
    expect(page).toContain('data-insolvency="withdrawn"');
    expect(page).not.toContain('data-declaration');
    const refused = await fr.request(url);
    expect(refused.headers.get('location')).toContain('declaration=withdrawn');
    expect(await (await fr.request(refused.headers.get('location')!)).text()).toContain('L’avis du jugement d’ouverture a été annulé');
  });
});
