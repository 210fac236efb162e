// The team's side of a customer's portal answers, on the real database: what accepting or refusing a payment-plan
// request or an "already paid" claim does to the pauses (and what it leaves alone), and the file a customer attached,
// downloaded from the customer page as it was sent.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { decideAnswer, listAnswers, recordAnswer, type AnswerDetail } from '../../src/portal/answers.js';
import { issueLink, resolveLink } from '../../src/portal/links.js';
import { listPauses, pauseHistory } from '../../src/store/pauses.js';
import { useDatabase } from '../support/db.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';

const sql = useDatabase();
const NOW = new Date('2026-11-24T10:00:00Z');
const TODAY = '2026-11-24';
const app = createUi(uiDeps(sql, { now: () => NOW }));

/** A company whose customer c1 owes invoice 1 (900.00) and answers through a link of theirs. */
async function company() {
  const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
  const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
  const link = (await resolveLink(sql, token, NOW))!;
  const scope = { tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c1', linkId: link.linkId };
  let n = 0;
  const answer = (detail: Parameters<typeof recordAnswer>[2]['detail'], attachment: Parameters<typeof recordAnswer>[2]['attachment'] = null) =>
    recordAnswer(sql, scope, { invoiceExternalId: '1', detail, nonce: `${t.tenant.id}-${n++}`, attachment, today: TODAY, customerName: 'Garage Leroy', invoiceNumber: 'F-1' });
  const idOf = async (kind: string) => (await listAnswers(sql, t.tenant.id, t.connection.id, 'c1')).find((a) => a.kind === kind)!.id;
  const active = () => listPauses(sql, t.tenant.id, { connectionId: t.connection.id, states: ['active'] });
  return { t, answer, idOf, active };
}
const PAID: AnswerDetail = { kind: 'paid', on: '2026-11-20', amount: '900.00', reference: 'VIR 2611' };
const INSTALMENTS = [{ dueOn: '2026-12-15', amount: '450.00' }, { dueOn: '2027-01-15', amount: '450.00' }];
const PLAN: AnswerDetail = { kind: 'plan', instalments: INSTALMENTS, text: '' };

describe('the team decides an "already paid" claim', () => {
  it('accepted: the hold stays while the payment reaches the books, and no plan opens', async () => {
    const { t, answer, idOf, active } = await company();
    await answer(PAID);
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, await idOf('paid'), 'accepted', 'marie', TODAY)).toBe(true);
    expect((await active()).map((p) => [p.kind, p.invoiceExternalId, p.expiresOn])).toEqual([['hold', '1', '2026-12-01']]);
  });

  it('refused: the hold ends at once, "payment not found", by the team member who refused it', async () => {
    const { t, answer, idOf, active } = await company();
    await answer(PAID);
    const [hold] = await active();
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, await idOf('paid'), 'refused', 'marie', TODAY)).toBe(true);
    expect(await active()).toEqual([]);
    expect((await pauseHistory(sql, t.tenant.id, hold!.id)).map((e) => [e.event, e.actor, e.detail])).toContainEqual(['resolved', 'marie', 'payment not found']);
  });
});

describe('the team decides a payment-plan request', () => {
  it('accepted: the payment-plan pause with the instalments proposed, said to come from the portal, owned by who accepted', async () => {
    const { t, answer, idOf, active } = await company();
    await answer(PLAN);
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, await idOf('plan'), 'accepted', 'marie', TODAY)).toBe(true);
    expect(await active()).toEqual([expect.objectContaining({ kind: 'payment_plan', invoiceExternalId: '1', reason: 'portal: payment plan accepted', owner: 'marie', startsOn: TODAY, instalments: INSTALMENTS })]);
  });

  it('refused: no pause opens, and the same invoice’s "already paid" hold is left to its own decision', async () => {
    const { t, answer, idOf, active } = await company();
    await answer(PAID);
    await answer(PLAN);
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, await idOf('plan'), 'refused', 'marie', TODAY)).toBe(true);
    expect((await active()).map((p) => p.kind)).toEqual(['hold']);
  });
});

describe('the file a customer attached', () => {
  it('downloads from the customer page with its type, its name and its bytes; an answer without one has none', async () => {
    const { t, answer, idOf } = await company();
    const bytes = Buffer.from('%PDF-1.4\n% bon de livraison signé\n');
    await answer({ kind: 'dispute', reason: 'not_received', text: '' }, { bytes, type: 'application/pdf', name: 'dispute-F-1.pdf' });
    await answer({ kind: 'promise', on: '2026-12-10', amount: null, balance: '900.00' });
    const team = new Browser(app, { 'accept-language': 'fr-FR' });
    await team.signIn(t.tenant.id);
    const res = await team.request(`/customers/${t.connection.id}/c1/portal/answers/${await idOf('dispute')}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="dispute-F-1.pdf"');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect((await team.request(`/customers/${t.connection.id}/c1/portal/answers/${await idOf('promise')}/file`)).status).toBe(404);
  });
});
