// A UK case on the customer's page, in both languages: the Companies House case in its own words (office-holder, the
// proof-of-debt date), never the French BODACC sentence or the R622-24 two months.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { applyNotice, claimDue } from '../../src/insolvency/effects.js';
import { recordNotice } from '../../src/store/insolvency.js';
import { taskOpener } from '../../src/worklist/open.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { useDatabase } from '../support/db.js';

const sql = useDatabase();

describe('a UK case on the customer page', () => {
  it('says the office-holder and the proof-of-debt date, in English and in French', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Copperfield Analytics Ltd')], [invoice('1', 'c1', '2026-10-01', '900.00')]);
    await sql`update customers set reg_no = 'SC123456' where tenant_id = ${t.tenant.id}`;
    const notice = { source: 'companies_house' as const, noticeId: '1-administration-started-on', regNo: 'SC123456', type: 'opening' as const, kind: 'initial' as const, court: null, judgmentDate: '2026-11-02', publicationDate: '2026-11-02', mandataire: 'Jane Smith, Begbies Traynor', raw: {} };
    const [stored] = await recordNotice(sql, t.tenant.id, notice);
    await applyNotice(sql, t.tenant.id, stored!.notice, { openTask: taskOpener(sql), actor: 'relance' });
    const due = claimDue(stored!.notice);
    const [task] = await sql<{ due_on: string }[]>`select due_on::text from tasks where tenant_id = ${t.tenant.id} and kind = 'declare_claim'`;
    expect(task!.due_on).toBe(due);

    const app = createUi(uiDeps(sql));
    const en = new Browser(app, { 'accept-language': 'en-GB' });
    await en.signIn(t.tenant.id);
    const page = await (await en.request(`/customers/${t.connection.id}/c1`)).text();
    expect(page).toContain('Opening judgment: case started on 2 Nov 2026 (Companies House, case 1-administration-started-on)');
    expect(page).toContain('Office-holder: Jane Smith, Begbies Traynor');
    expect(page).toContain(`data-claim-deadline="${due}"`);
    expect(page).toContain('Send a proof of debt to the office-holder by');
    expect(page).not.toContain('R622-24');
    expect(page).not.toContain('BODACC');

    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const pageFr = await (await fr.request(`/customers/${t.connection.id}/c1`)).text();
    expect(pageFr).toContain('Administrateur ou liquidateur : Jane Smith, Begbies Traynor');
    expect(pageFr).toContain('Adresser une déclaration de créance');
    expect(pageFr).not.toContain('R622-24');
  });
});
