// The customer portal (#22) on the real database, through the real app: the statement a link opens, the four answers
// and what each does, and the security cases (tampered, expired, revoked and foreign tokens, replayed and forged
// forms, oversize and disguised uploads, script in every field, rate limits).
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createSite as createUi } from '../../src/http/app.js';
import { listActivity } from '../../src/store/activity.js';
import { listPauses } from '../../src/store/pauses.js';
import { decideAnswer, listAnswers } from '../../src/portal/answers.js';
import { issueLink, revokeLinks } from '../../src/portal/links.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { visitor } from './visitor.js';

const sql = useDatabase();
const NOW = new Date('2026-11-24T10:00:00Z');
const app = createUi(uiDeps(sql, { now: () => NOW }));
const ORIGIN = 'http://localhost';

async function company() {
  const t = await seedTenant(sql, [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin')], [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c1', '2026-11-30', '300.00'), invoice('3', 'c2', '2026-10-01', '50.00')]);
  const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
  return { t, token };
}
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { 'accept-language': 'fr-FR', 'x-forwarded-for': visitor(), ...headers } });
/** The form's signed nonce, as the page gives it. */
async function formOf(token: string) {
  const html = await (await get(`/p/${token}`)).text();
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)![1]!;
  const mac = /name="mac" value="([^"]+)"/.exec(html)![1]!;
  return { nonce, mac };
}
async function post(token: string, fields: Record<string, string | Blob>, opts: { origin?: string | null; form?: { nonce: string; mac: string } } = {}) {
  const form = opts.form ?? (await formOf(token));
  const body = new FormData();
  for (const [k, v] of Object.entries({ ...form, ...fields })) body.append(k, v);
  const headers: Record<string, string> = { 'accept-language': 'fr-FR', 'x-forwarded-for': visitor() };
  if (opts.origin !== null) headers['origin'] = opts.origin ?? ORIGIN;
  return app.request(`/p/${token}`, { method: 'POST', body, headers });
}

describe('the statement a link opens', () => {
  it('shows the company, the open invoices with their numbers and days overdue, in the customer’s language, and records the first visit', async () => {
    const { t, token } = await company();
    const res = await get(`/p/${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Bonjour Garage Leroy');
    expect(html).toMatch(/data-invoice="F-1"[\s\S]*échue depuis 40 jours/);
    expect(html).toContain('data-invoice="F-2"');
    // Another customer's invoice: not as a row nor as text (the page's random tokens may hold the characters 'F-3').
    expect(html).not.toMatch(/data-invoice="F-3"|>F-3</);
    expect(html).toMatch(/1\s?200,00\s€/);
    await get(`/p/${token}`);
    const viewed = (await listActivity(sql, t.tenant.id, { customerExternalId: 'c1' })).filter((a) => a.kind === 'viewed');
    expect(viewed).toHaveLength(1);
  });

  it('answers a wrong, malformed, expired, revoked or foreign token with the same 404, naming no one', async () => {
    const { t, token } = await company();
    const other = await company();
    const { token: expired } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', new Date('2026-01-01T00:00:00Z'), 30);
    const { token: revoked } = await issueLink(sql, t.tenant.id, t.connection.id, 'c2', NOW);
    await revokeLinks(sql, t.tenant.id, t.connection.id, 'c2', 'marie');
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const bodies = new Set<string>();
    for (const bad of [tampered, 'short', expired, revoked, `${token}x`]) {
      const res = await get(`/p/${bad}`);
      expect(res.status, bad).toBe(404);
      const text = await res.text();
      expect(text).not.toMatch(/Garage|Boulangerie/);
      bodies.add(text);
    }
    expect(bodies.size).toBe(1);
    // Another company's link opens that company's customer, never this one's.
    expect(await (await get(`/p/${other.token}`)).text()).toContain('Bonjour Garage Leroy');
    expect((await listAnswers(sql, t.tenant.id, t.connection.id, 'c1'))).toEqual([]);
  });
});

describe('answers that act', () => {
  it('a promise opens a promise pause with its amount, and a replayed form changes nothing', async () => {
    const { t, token } = await company();
    const form = await formOf(token);
    const res = await post(token, { kind: 'promise', invoice: '1', on: '2026-12-10', amount: '450,00' }, { form });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/p/${token}?done=promise`);
    const replay = await post(token, { kind: 'promise', invoice: '1', on: '2026-12-11', amount: '450,00' }, { form });
    expect(replay.headers.get('location')).toBe(`/p/${token}?done=already`);
    const pauses = await listPauses(sql, t.tenant.id, { connectionId: t.connection.id, states: ['active'] });
    expect(pauses).toEqual([expect.objectContaining({ kind: 'promise', invoiceExternalId: '1', expiresOn: '2026-12-10', amount: '450.00', balanceAtOpen: '900' })]);
    // The next evaluation honours it: no reminder for that invoice.
    const run = await runEvaluation(sql, t.tenant.id, t.connection.id, NOW);
    const planned = await sql<{ payload: { invoices: { externalId: string }[] } }[]>`select payload from outbox where tenant_id = ${t.tenant.id} and kind = 'email'`;
    expect(planned.flatMap((p) => p.payload.invoices.map((i) => i.externalId))).not.toContain('1');
    expect(run.planned).toBeGreaterThanOrEqual(0);
  });

  it('a promise too far ahead, an unknown invoice or a bad amount is refused with French messages and nothing is recorded', async () => {
    const { t, token } = await company();
    const res = await post(token, { kind: 'promise', invoice: '3', on: '2027-06-01', amount: 'beaucoup' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Choisissez une des factures listées.');
    expect(html).toContain('Choisissez une date entre aujourd’hui et le 24 déc. 2026.');
    expect(html).toContain('Saisissez un montant supérieur à zéro');
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([]);
  });

  it('the furthest date a customer may promise is the company policy’s', async () => {
    const { savePolicy } = await import('../../src/store/policies.js');
    const { FRENCH_B2B_POLICY } = await import('../../src/rules/default-policies.js');
    const { t, token } = await company();
    await savePolicy(sql, t.tenant.id, 'fr-b2b', { ...FRENCH_B2B_POLICY, promiseMaxDays: 10 });
    const page = await (await get(`/p/${token}`)).text();
    expect(page).toContain('max="2026-12-04"');
    const late = await post(token, { kind: 'promise', invoice: '1', on: '2026-12-05' });
    expect(late.status).toBe(422);
    expect(await late.text()).toContain('Choisissez une date entre aujourd’hui et le 4 déc. 2026.');
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([]);
    expect((await post(token, { kind: 'promise', invoice: '1', on: '2026-12-04' })).status).toBe(303);
    expect((await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).map((p) => [p.kind, p.expiresOn])).toEqual([['promise', '2026-12-04']]);
  });

  it('a dispute with a PDF opens a dispute pause, alerts the team and logs the answer; script in a field stays text', async () => {
    const { t, token } = await company();
    const pdf = new Blob([Buffer.from('%PDF-1.4\n% test\n')], { type: 'application/pdf' });
    const res = await post(token, { kind: 'dispute', invoice: '1', reason: 'quality', text: '<script>alert(1)</script> pièce cassée', file: pdf });
    expect(res.status).toBe(303);
    const [pause] = await listPauses(sql, t.tenant.id, { connectionId: t.connection.id, states: ['active'] });
    expect(pause).toMatchObject({ kind: 'dispute', invoiceExternalId: '1' });
    expect(pause!.reason).toContain('<script>alert(1)</script> pièce cassée');
    const [answer] = await listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
    expect(answer).toMatchObject({ kind: 'dispute', hasAttachment: true, state: 'done' });
    const alerts = await sql<{ payload: { kind: string; message: string } }[]>`select payload from outbox where tenant_id = ${t.tenant.id} and kind = 'alert'`;
    expect(alerts.map((a) => a.payload.kind)).toEqual(['portal_answer']);
    expect((await listActivity(sql, t.tenant.id, { customerExternalId: 'c1' })).map((a) => a.kind)).toContain('answered');
    // The settings page shows the reason as text, never as markup.
    const ui = await (await get(`/customers/${t.connection.id}/c1`)).text();
    expect(ui).not.toContain('<script>alert(1)</script>');
  });

  it('refuses an oversize upload (413) and a file that only claims to be a PDF (422)', async () => {
    const { t, token } = await company();
    const big = new Blob([Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(2 * 1024 * 1024)])], { type: 'application/pdf' });
    expect((await post(token, { kind: 'dispute', invoice: '1', reason: 'quality', file: big })).status).toBe(413);
    const fake = new Blob([Buffer.from('<html>not a pdf</html>')], { type: 'application/pdf' });
    const res = await post(token, { kind: 'dispute', invoice: '1', reason: 'quality', file: fake });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Seuls les documents PDF, PNG ou JPEG sont acceptés.');
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([]);
  });

  it('a payment-plan request waits for the team; accepted, it becomes the payment-plan pause', async () => {
    const { t, token } = await company();
    const wrong = await post(token, { kind: 'plan', invoice: '1', instalments: '2026-12-15 400,00\n2027-01-15 400,00' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toMatch(/Le total des échéances doit égaler 900,00\s€/);
    expect((await post(token, { kind: 'plan', invoice: '1', instalments: '2026-12-15 450,00\n2027-01-15 450,00' })).status).toBe(303);
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([]);
    const [answer] = await listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
    expect(answer).toMatchObject({ kind: 'plan', state: 'new' });
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, answer!.id, 'accepted', 'marie', '2026-11-24')).toBe(true);
    expect(await decideAnswer(sql, t.tenant.id, t.connection.id, answer!.id, 'refused', 'paul', '2026-11-24')).toBe(false);
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([
      expect.objectContaining({ kind: 'payment_plan', invoiceExternalId: '1', instalments: [{ dueOn: '2026-12-15', amount: '450.00' }, { dueOn: '2027-01-15', amount: '450.00' }] }),
    ]);
  });

  it('"already paid" holds the invoice a week for the team to check', async () => {
    const { t, token } = await company();
    expect((await post(token, { kind: 'paid', invoice: '1', on: '2026-11-20', amount: '900.00', reference: 'VIR 2611' })).status).toBe(303);
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([expect.objectContaining({ kind: 'hold', invoiceExternalId: '1', startsOn: '2026-11-24', expiresOn: '2026-12-01' })]);
    expect((await listAnswers(sql, t.tenant.id, t.connection.id, 'c1'))[0]).toMatchObject({ kind: 'paid', state: 'new' });
  });
});

describe('forms that did not come from the page', () => {
  it('refuses a post without this site’s Origin, or with a forged or foreign nonce', async () => {
    const { t, token } = await company();
    expect((await post(token, { kind: 'promise', on: '2026-12-10' }, { origin: null })).status).toBe(403);
    expect((await post(token, { kind: 'promise', on: '2026-12-10' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(token, { kind: 'promise', on: '2026-12-10' }, { form: { nonce: 'made-up', mac: 'made-up' } })).status).toBe(403);
    const other = await company();
    const foreign = await formOf(other.token);
    expect((await post(token, { kind: 'promise', on: '2026-12-10' }, { form: foreign })).status).toBe(403);
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).toEqual([]);
  });

  it('limits hits per link with a clear 429 page', async () => {
    const { token } = await company();
    let last: Response | null = null;
    for (let i = 0; i < 61; i++) last = await get(`/p/${token}`);
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toBe('600');
    expect(await last!.text()).toContain('Trop de demandes');
  });
});

describe('the portal seen from the settings', () => {
  it('hands out a link once, withdraws them all, shows answers and decides a refused payment claim', async () => {
    const { Browser } = await import('../http/ui/helpers.js');
    const { t } = await company();
    const fr = new Browser(app, { 'accept-language': 'fr-FR' });
    await fr.signIn(t.tenant.id);
    const base = `/customers/${t.connection.id}/c1`;
    const created = await (await fr.post(`${base}/portal/link`)).text();
    const url = /data-testid="portal-url">([^<]+)</.exec(created)![1]!;
    const token = new URL(url).pathname.split('/').pop()!;
    expect((await get(`/p/${token}`)).status).toBe(200);
    // Shown once: the page read again does not give it.
    expect(await (await fr.request(base)).text()).not.toContain(token);
    expect((await post(token, { kind: 'paid', invoice: '1', on: '2026-11-20', amount: '900.00' })).status).toBe(303);
    const page = await (await fr.request(base)).text();
    expect(page).toMatch(/Déjà payé[\s\S]*900,00\s€ payés le 20 nov\. 2026/);
    expect(page).toMatch(/Liens valides : 2 · dernier remis : 24 nov\. 2026, 11:00 · dernière consultation : 24 nov\. 2026, 11:00/);
    const [answer] = await listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
    expect((await fr.post(`${base}/portal/answers/${answer!.id}/refused`)).status).toBe(303);
    // The payment was not found: the hold ends, dunning resumes.
    expect(await listPauses(sql, t.tenant.id, { connectionId: t.connection.id, states: ['active'] })).toEqual([]);
    expect((await fr.post(`${base}/portal/revoke`)).status).toBe(303);
    expect((await get(`/p/${token}`)).status).toBe(404);
    // Another company's user cannot read this customer's answers' files.
    const other = await company();
    const intruder = new Browser(app);
    await intruder.signIn(other.t.tenant.id);
    expect((await intruder.request(`${base}/portal/answers/${answer!.id}/file`)).status).toBe(404);
  });
});

describe('the statement as a PDF', () => {
  it('lists the open invoices with their amounts to the cent and the total, in French', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { token } = await company();
    const res = await get(`/p/${token}/statement.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'relance-statement-')), 's.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Relevé de compte au 24/11/2026');
    expect(text).toMatch(/F-1\s+01\/09\/2026\s+15\/10\/2026\s+900,00 €\s+900,00 €\s+40 j/);
    expect(text).toContain('Total restant dû : 1 200,00 €');
    // Another token (one character changed) opens nothing.
    const other = `${token[0] === 'x' ? 'y' : 'x'}${token.slice(1)}`;
    expect((await get(`/p/${other}/statement.pdf`)).status).toBe(404);
  });
});

describe('the link in a reminder', () => {
  it('a reminder received by the SMTP server carries a link that opens the customer’s statement; a retry prints the same link', async () => {
    const { NOW: SEND, customer: cust, invoice: inv, makeDeps, plan, seed } = await import('../actions/fixtures.js');
    const { startSmtpSink } = await import('../actions/smtp-sink.js');
    const { executeDue } = await import('../../src/actions/executor.js');
    const { linkForAction, portalUrl } = await import('../../src/portal/links.js');
    const sink = await startSmtpSink();
    try {
      const s = await seed(sql, { customers: [cust('c1', { email: 'portal@client.example' })], invoices: [inv('a', 'c1', { pdfUrl: null })] });
      await plan(sql, s);
      const key = Buffer.alloc(32, 7);
      // The company's profile from the store, with a payment page: the reminder carries it filled in for its invoices.
      const { saveCompanyProfile } = await import('../../src/store/company-profiles.js');
      const { CompanyProfileData } = await import('../../src/model/company-profile.js');
      const { storeLookups } = await import('../../src/actions/store-lookups.js');
      await saveCompanyProfile(sql, s.tenantId, CompanyProfileData.parse({ legalName: 'Atelier Dupont SAS', addressLine1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', paymentLink: 'https://pay.example.com/?ref={reference}&amount={amount}' }), 'marie');
      const deps = makeDeps(sql, sink.port, {
        ...storeLookups(sql),
        // The provider gives this invoice's document one invoice at a time (as Xero does): asked for at send time.
        documentLinks: async (_ctx, ids) => new Map(ids.map((id) => [id, `https://in.xero.com/doc-${id}`])),
        portalLink: async (ctx, customerExternalId, actionKey) => portalUrl('https://relance.example', await linkForAction(sql, key, { tenantId: ctx.tenantId, connectionId: ctx.connectionId!, customerExternalId }, actionKey)),
      });
      expect(await executeDue(deps, s.tenantId, SEND)).toMatchObject({ sent: 1 });
      const [mail] = sink.messages.filter((m) => m.rcptTo.includes('portal@client.example'));
      const link = /https:\/\/relance\.example\/p\/([A-Za-z0-9_-]{43})/.exec(mail!.raw.replace(/=\r?\n/g, ''));
      expect(link).not.toBeNull();
      expect(mail!.text).toContain('F-a du ');
      expect(mail!.text).toContain('– https://in.xero.com/doc-a');
      expect(mail!.html).toContain('<a href="https://in.xero.com/doc-a">F-a</a>');
      expect(mail!.text).toMatch(/Payer en ligne : https:\/\/pay\.example\.com\/\?ref=F-a&amount=\d+\.\d\d\n/);
      expect(mail!.html).toMatch(/<a href="https:\/\/pay\.example\.com\/\?ref=F-a&amp;amount=\d+\.\d\d">Payer en ligne<\/a>/);
      const page = await (await get(`/p/${link![1]}`)).text();
      expect(page).toContain('Bonjour Client c1');
      expect(page).toContain('F-a');
      // The same action asks again (a retry): the same link, no second one stored.
      const [row] = await sql<{ key: string }[]>`select idempotency_key as key from outbox where tenant_id = ${s.tenantId}`;
      const again = await linkForAction(sql, key, { tenantId: s.tenantId, connectionId: s.connectionId, customerExternalId: 'c1' }, row!.key);
      expect(again).toBe(link![1]);
      const links = await sql<{ n: number }[]>`select count(*)::int as n from portal_links where tenant_id = ${s.tenantId}`;
      expect(links[0]?.n).toBe(1);
    } finally {
      await sink.stop();
    }
  });
});

describe('the company on the portal', () => {
  it('names the company as its profile does, with its contact, and bank details with the invoice numbers as reference', async () => {
    const { saveCompanyProfile } = await import('../../src/store/company-profiles.js');
    const { CompanyProfileData } = await import('../../src/model/company-profile.js');
    const { t, token } = await company();
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({ legalName: 'Atelier Dupont SAS', addressLine1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', contactName: 'Marie Durand', contactEmail: 'compta@atelier-dupont.fr', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' }), 'marie');
    const html = await (await get(`/p/${token}`)).text();
    expect(html).toContain('<strong>Atelier Dupont SAS</strong> · 12 rue des Lilas, 69003 Lyon');
    expect(html).toContain('Contact : Marie Durand · compta@atelier-dupont.fr');
    expect(html).toContain('<code>FR76 3000 6000 0112 3456 7890 189</code>');
    expect(html).toContain('Indiquez le numéro de facture en référence du virement : F-1, F-2.');
    // No payment page set: no Pay button.
    expect(html).not.toContain('data-pay="link"');
  });

  it('links an invoice to the document its provider gave when a reminder named it', async () => {
    const { saveDocumentLinks } = await import('../../src/store/document-links.js');
    const { t, token } = await company();
    await saveDocumentLinks(sql, t.tenant.id, t.connection.id, { '1': 'https://in.xero.com/AbC123' }, new Date());
    const html = await (await get(`/p/${token}`)).text();
    expect(html).toContain('<a href="https://in.xero.com/AbC123" rel="noopener noreferrer" target="_blank">F-1</a>');
    expect(html).not.toContain('<a href="https://in.xero.com/AbC123" rel="noopener noreferrer" target="_blank">F-2</a>');
  });

  it('a payment page in the profile gives a Pay button for the total and one per invoice, filled in, opening the company’s page', async () => {
    const { saveCompanyProfile } = await import('../../src/store/company-profiles.js');
    const { CompanyProfileData } = await import('../../src/model/company-profile.js');
    const { t, token } = await company();
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({ legalName: 'Atelier Dupont SAS', addressLine1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', paymentLink: 'https://pay.example.com/atelier?ref={reference}&amount={amount}&cur={currency}' }), 'marie');
    const html = await (await get(`/p/${token}`)).text();
    const block = html.slice(html.indexOf('data-pay="link"'), html.indexOf('</div>', html.indexOf('data-pay="link"')));
    expect(block).toContain('href="https://pay.example.com/atelier?ref=F-1%20F-2&amp;amount=1200.00&amp;cur=EUR"');
    expect(block).toMatch(/Payer 1\s?200,00\s€/);
    expect(block).toContain('rel="noopener noreferrer"');
    expect(html).toContain('href="https://pay.example.com/atelier?ref=F-1&amp;amount=900.00&amp;cur=EUR" rel="noopener noreferrer" target="_blank" data-pay-invoice="F-1"');
    // Another customer's invoice is in no link and not on the page. Looked for as a link's reference, a button's
    // invoice or a page's text, not as any 'F-3': the page's random tokens (base64url) may hold those three characters.
    expect(html).not.toMatch(/ref=(?:[^"&]*%20)?F-3\b|data-pay-invoice="F-3"|>F-3</);
  });
});

describe('the short link of a letter', () => {
  it('is 128 bits a person can type: read back in any case, with or without dashes, O for 0 and I or L for 1; a retry prints the same', async () => {
    const { letterLinkForAction, linkForAction, resolveLink } = await import('../../src/portal/links.js');
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const key = Buffer.alloc(32, 9);
    const scope = { tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c1' };
    const printed = await letterLinkForAction(sql, key, scope, 'action-1', NOW);
    expect(printed).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{2}$/);
    expect(await letterLinkForAction(sql, key, scope, 'action-1', NOW)).toBe(printed);
    expect(await linkForAction(sql, key, scope, 'action-1', NOW)).not.toContain(printed.replace(/-/g, ''));
    const typed = [printed, printed.replace(/-/g, ''), printed.toLowerCase(), printed.replace(/-/g, ' '), printed.replace(/0/g, 'O').replace(/1/g, 'l')];
    for (const form of typed) expect((await resolveLink(sql, form, NOW))?.customerExternalId, form).toBe('c1');
    // One character wrong opens nothing, and the page says the same 404 as for any unknown link.
    const last = printed.at(-1) === 'Z' ? 'Y' : 'Z';
    expect(await resolveLink(sql, printed.slice(0, -1) + last, NOW)).toBeNull();
    expect((await get(`/p/${printed.toLowerCase()}`)).status).toBe(200);
    expect((await get(`/p/${printed.slice(0, -1)}${last}`)).status).toBe(404);
  });
});
