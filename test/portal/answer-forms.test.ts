// The four answers' forms as a customer fills them in (src/http/ui/portal/pages.tsx, parseAnswer), through the real
// app on the real database: what each accepts (amounts written the French way, a promise for all the invoices, a
// plan's lines), what it refuses with which message in the customer's language, and what is then recorded.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { listAnswers } from '../../src/portal/answers.js';
import { issueLink } from '../../src/portal/links.js';
import { listPauses } from '../../src/store/pauses.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { NOW, text, visitor } from './visitor.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql, { now: () => NOW }));
const nextIp = visitor;

/** A customer owing F-1 (900.00) and F-2 (300.00), and a way to answer from their link with the page's own form. */
async function customerWithLink(opts: { language?: 'fr' | 'en'; invoices?: ReturnType<typeof invoice>[] } = {}) {
  const t = await seedTenant(sql, [{ ...customer('c1', 'Garage Leroy'), language: opts.language ?? 'fr' }], opts.invoices ?? [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c1', '2026-11-30', '300.00')]);
  const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
  const answer = async (fields: Record<string, string>, raw = false) => {
    const html = await (await app.request(`/p/${token}`, { headers: { 'x-forwarded-for': nextIp() } })).text();
    const body = new FormData();
    body.append('nonce', /name="nonce" value="([^"]+)"/.exec(html)![1]!);
    body.append('mac', /name="mac" value="([^"]+)"/.exec(html)![1]!);
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    const res = await app.request(`/p/${token}`, { method: 'POST', body, headers: { origin: 'http://localhost', 'x-forwarded-for': nextIp() } });
    return { status: res.status, page: res.status === 303 ? '' : raw ? await res.text() : text(await res.text()) };
  };
  const pauses = () => listPauses(sql, t.tenant.id, { connectionId: t.connection.id });
  const answers = () => listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
  return { t, answer, pauses, answers };
}

describe('a dispute', () => {
  it('needs an invoice of the list and a reason of the list; "other" needs a word of explanation', async () => {
    const { answer, pauses } = await customerWithLink();
    expect(await answer({ kind: 'dispute', reason: 'quality' })).toMatchObject({ status: 422, page: expect.stringContaining('Choisissez une des factures listées.') });
    expect(await answer({ kind: 'dispute', invoice: '1', reason: 'too_expensive' })).toMatchObject({ status: 422, page: expect.stringContaining('Choisissez un motif dans la liste.') });
    // The field to correct is marked (a form the page did not make: its list offers only valid reasons).
    expect(await answer({ kind: 'dispute', invoice: '1', reason: 'too_expensive' }, true)).toMatchObject({ page: expect.stringMatching(/<div class="field invalid"><label for="dispute-reason">/) });
    const other = await answer({ kind: 'dispute', invoice: '1', reason: 'other', text: '   ' });
    expect(other).toMatchObject({ status: 422, page: expect.stringContaining('Précisez le motif en quelques mots.') });
    expect(other.page).not.toContain('Choisissez un motif');
    expect(await pauses()).toEqual([]);
    expect((await answer({ kind: 'dispute', invoice: '1', reason: 'other', text: '  livré chez le voisin  ' })).status).toBe(303);
    expect((await pauses()).map((p) => [p.kind, p.invoiceExternalId, p.reason])).toEqual([['dispute', '1', 'portal: other — livré chez le voisin']]);
  });

  it('keeps the first 1,000 characters of the explanation', async () => {
    const { answer, answers } = await customerWithLink();
    expect((await answer({ kind: 'dispute', invoice: '1', reason: 'price', text: 'x'.repeat(1200) })).status).toBe(303);
    const [a] = await answers();
    expect(a!.detail).toEqual({ kind: 'dispute', reason: 'price', text: 'x'.repeat(1000) });
  });
});

describe('a promise to pay', () => {
  it('for all the invoices when none is chosen: the whole balance, and an amount written the French way', async () => {
    const { answer, pauses } = await customerWithLink();
    expect((await answer({ kind: 'promise', on: '2026-11-24', amount: '1 000,50' })).status).toBe(303);
    expect(await pauses()).toEqual([expect.objectContaining({ kind: 'promise', invoiceExternalId: null, expiresOn: '2026-11-24', amount: '1000.50', balanceAtOpen: '1200' })]);
  });

  it('refuses a date before today, one not written as a date, or a day the calendar does not have', async () => {
    const { answer, pauses } = await customerWithLink();
    for (const on of ['2026-11-23', '2026-12-1', '24/12/2026', '2026-13-01', '2026-11-31']) expect(await answer({ kind: 'promise', invoice: '1', on }), on).toMatchObject({ status: 422, page: expect.stringContaining('Choisissez une date entre aujourd’hui et le 24 déc. 2026.') });
    expect(await pauses()).toEqual([]);
  });

  it('refuses an amount of nothing, of thousandths or of thirteen digits; twelve and cents are fine', async () => {
    const { answer, pauses } = await customerWithLink();
    for (const amount of ['0', '0,00', '12,345', '1234567890123', '-5', '1e3']) expect(await answer({ kind: 'promise', invoice: '1', on: '2026-12-01', amount }), amount).toMatchObject({ status: 422, page: expect.stringContaining('Saisissez un montant supérieur à zéro, par ex. 1250,00.') });
    expect(await pauses()).toEqual([]);
    expect((await answer({ kind: 'promise', invoice: '1', on: '2026-12-01', amount: '123456789012,99' })).status).toBe(303);
  });

  it('an amount for invoices in two currencies needs one invoice chosen; without an amount, all may be promised', async () => {
    const { answer, pauses } = await customerWithLink({ invoices: [invoice('1', 'c1', '2026-10-15', '900.00'), { ...invoice('2', 'c1', '2026-11-30', '300.00'), currency: 'GBP' }] });
    expect(await answer({ kind: 'promise', on: '2026-12-01', amount: '100' })).toMatchObject({ status: 422, page: expect.stringContaining('Ces factures sont dans plusieurs devises : choisissez une facture.') });
    expect((await answer({ kind: 'promise', invoice: '2', on: '2026-12-01', amount: '100' })).status).toBe(303);
    expect((await answer({ kind: 'promise', on: '2026-12-02' })).status).toBe(303);
    expect((await pauses()).map((p) => [p.invoiceExternalId, p.amount, p.balanceAtOpen])).toEqual(expect.arrayContaining([['2', '100', '300'], [null, null, null]]));
  });
});

describe('a payment plan', () => {
  it('reads one instalment a line, date then amount, separated by spaces or a semicolon, with a decimal comma', async () => {
    const { answer, answers } = await customerWithLink();
    expect((await answer({ kind: 'plan', invoice: '1', instalments: '2026-12-15;450,00\r\n\n  2027-01-15   450.00  ', text: 'deux fois' })).status).toBe(303);
    const [a] = await answers();
    expect(a!.detail).toEqual({ kind: 'plan', instalments: [{ dueOn: '2026-12-15', amount: '450.00' }, { dueOn: '2027-01-15', amount: '450.00' }], text: 'deux fois' });
  });

  it('refuses no line, a line it cannot read, or an instalment before today', async () => {
    const { answer, answers } = await customerWithLink();
    for (const instalments of ['', 'en deux fois', '2026-12-15', '2026-11-23 450,00\n2027-01-15 450,00', '2026-12-15 450,00\nplus tard 450,00'])
      expect(await answer({ kind: 'plan', invoice: '1', instalments }), instalments).toMatchObject({ status: 422, page: expect.stringContaining('Une échéance par ligne : une date à partir d’aujourd’hui (AAAA-MM-JJ) puis un montant, par ex. 2027-01-15 500,00.') });
    // One message at a time: the total is only checked on lines that read.
    const unread = await answer({ kind: 'plan', invoice: '1', instalments: '2026-12-15 100,00\nplus tard' });
    expect(unread.page).not.toContain('Le total des échéances');
    expect(await answers()).toEqual([]);
  });
});

describe('"already paid"', () => {
  it('needs a payment date no later than today and the amount paid; keeps 200 characters of the reference', async () => {
    const { answer, answers } = await customerWithLink();
    expect(await answer({ kind: 'paid', invoice: '1', on: '2026-11-25', amount: '900' })).toMatchObject({ status: 422, page: expect.stringContaining('Indiquez la date du paiement (aujourd’hui au plus tard).') });
    for (const on of ['', '2026-02-30', '2026-11-24x']) expect(await answer({ kind: 'paid', invoice: '1', on, amount: '900' }), on).toMatchObject({ status: 422, page: expect.stringContaining('Indiquez la date du paiement') });
    expect(await answer({ kind: 'paid', invoice: '1', on: '2026-11-24' })).toMatchObject({ status: 422, page: expect.stringContaining('Saisissez un montant supérieur à zéro') });
    expect(await answers()).toEqual([]);
    expect((await answer({ kind: 'paid', invoice: '1', on: '2026-11-24', amount: '900', reference: `VIR ${'9'.repeat(300)}` })).status).toBe(303);
    const [a] = await answers();
    expect(a!.detail).toEqual({ kind: 'paid', on: '2026-11-24', amount: '900', reference: `VIR ${'9'.repeat(196)}` });
  });
});

describe('an answer of no known kind (a form the page did not make)', () => {
  it('is refused with 400 and the page again, in the customer’s language; nothing is recorded', async () => {
    // It says what happened and what to do: no field is marked, so "correct the fields marked below" would not do.
    const fr = await customerWithLink();
    const frPage = await fr.answer({ kind: 'cancel', invoice: '1' });
    expect(frPage).toMatchObject({ status: 400, page: expect.stringContaining('Votre réponse n’a pas été reconnue : rechargez la page et choisissez l’une des réponses proposées.') });
    expect(frPage.page).not.toContain('corrigez les champs signalés');
    const en = await customerWithLink({ language: 'en' });
    const enPage = await en.answer({ kind: '', invoice: '1' });
    expect(enPage).toMatchObject({ status: 400, page: expect.stringContaining('Your answer was not recognised: reload the page and choose one of the answers offered.') });
    expect(enPage.page).not.toContain('correct the fields marked below');
    // No form is taken for it: every answer folded, nothing of what was posted filled in.
    const raw = await en.answer({ kind: '', invoice: '1', text: 'posted text', instalments: '2027-01-15 300.00', on: '2026-11-20' }, true);
    expect(raw.status).toBe(400);
    expect(raw.page).not.toMatch(/<details[^>]* open|selected|posted text|2027-01-15 300\.00|value="2026-11-20"/);
    expect([...(await fr.answers()), ...(await en.answers())]).toEqual([]);
  });
});

describe('the messages in English', () => {
  it('for an English customer, each refused field says why in English, with dates and amounts written the English way', async () => {
    const { answer } = await customerWithLink({ language: 'en' });
    const promise = await answer({ kind: 'promise', invoice: '9', on: '2027-01-01', amount: 'lots' });
    expect(promise.status).toBe(422);
    for (const m of ['Choose one of the invoices listed.', 'Choose a date from today to 24 Dec 2026.', 'Write an amount above zero, e.g. 1250.00.']) expect(promise.page).toContain(m);
    expect((await answer({ kind: 'plan', invoice: '1', instalments: '2026-12-15 100.00' })).page).toContain('The instalments must add up to €900.00.');
  });
});
