// The statement page as a customer reads and uses it (src/http/ui/portal/pages.tsx, Statement), through the real app on
// the real database: the four forms filled in as a browser sends them (their fields, encodings and limits), a refused
// form shown again open, filled in and marked where to correct, the links to other sites, the lines of the table,
// and the texts a customer relies on in French and in English.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { listAnswers } from '../../src/portal/answers.js';
import { issueLink } from '../../src/portal/links.js';
import { saveCompanyProfile } from '../../src/store/company-profiles.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { NOW, text, visitor } from './visitor.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql, { now: () => NOW }));
const nextIp = visitor;

async function company(opts: { language?: 'fr' | 'en'; invoices?: ReturnType<typeof invoice>[] } = {}) {
  const t = await seedTenant(sql, [{ ...customer('c1', 'Garage Leroy'), language: opts.language ?? 'fr' }], opts.invoices ?? [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c1', '2026-11-24', '300.00')]);
  const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
  const page = async (query = '') => (await app.request(`/p/${token}${query}`, { headers: { 'x-forwarded-for': nextIp() } })).text();
  return { t, token, page };
}

/** One form of the page as a browser reads it: where and how it posts, and its fields by name. */
function formOf(html: string, kind: string) {
  const at = html.indexOf(`name="kind" value="${kind}"`);
  const start = html.lastIndexOf('<form', at);
  const form = html.slice(start, html.indexOf('</form>', at));
  const head = /<form([^>]*)>/.exec(form)![1]!;
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
  const fields = [...form.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].map((m) => ({ tag: m[1]!, name: attr(m[2]!, 'name'), type: attr(m[2]!, 'type'), value: attr(m[2]!, 'value'), attrs: m[2]! }));
  return { html: form, action: attr(head, 'action'), method: attr(head, 'method'), enctype: attr(head, 'enctype'), fields };
}

/** Fills the form as a browser sends it: hidden fields as they are, the customer's values by field name, a file only in a multipart form. */
async function submit(f: ReturnType<typeof formOf>, values: Record<string, string>, file?: Blob) {
  const pairs: [string, string | Blob][] = [];
  for (const field of f.fields) {
    if (!field.name) continue;
    if (field.type === 'hidden') pairs.push([field.name, field.value ?? '']);
    else if (field.type === 'file') {
      // A browser sends a multipart form's file field even when no file was chosen: an empty part without a name.
      if (f.enctype === 'multipart/form-data') pairs.push([field.name, file ?? new File([], '', { type: 'application/octet-stream' })]);
      else if (file) pairs.push([field.name, 'file.pdf']);
    } else if (field.name in values) pairs.push([field.name, values[field.name]!]);
  }
  const headers: Record<string, string> = { origin: 'http://localhost', 'x-forwarded-for': nextIp() };
  let body: Buffer | URLSearchParams;
  if (f.enctype === 'multipart/form-data') {
    // Encoded as a browser does it (FormData would leave out the empty file part's filename="").
    const boundary = '----portal-test-boundary';
    const parts: Buffer[] = [];
    for (const [k, v] of pairs) {
      if (typeof v === 'string') parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      else parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${v instanceof File ? v.name : 'document.pdf'}"\r\nContent-Type: ${v.type || 'application/octet-stream'}\r\n\r\n`), Buffer.from(await v.arrayBuffer()), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    body = Buffer.concat(parts);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  } else {
    body = new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)]));
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  expect(f.method).toBe('post');
  return app.request(f.action!, { method: 'POST', body, headers });
}

describe('the four forms, as a browser sends them', () => {
  it('each one, filled in, is received: a promise, a dispute with its PDF, a plan, a payment without a remittance', async () => {
    const { t, token, page } = await company();
    const html = await page();
    for (const kind of ['promise', 'dispute', 'plan', 'paid']) expect(formOf(html, kind).action, kind).toBe(`/p/${token}`);
    const pdf = new Blob([Buffer.from('%PDF-1.4\n% pièce\n')], { type: 'application/pdf' });
    expect((await submit(formOf(html, 'promise'), { invoice: '1', on: '2026-12-10', amount: '450,00' })).status).toBe(303);
    expect((await submit(formOf(await page(), 'dispute'), { invoice: '2', reason: 'other', text: 'jamais reçu' }, pdf)).status).toBe(303);
    expect((await submit(formOf(await page(), 'plan'), { invoice: '1', instalments: '2026-12-15 450,00\n2027-01-15 450,00', text: 'merci' })).status).toBe(303);
    // No remittance chosen: the empty file part is no document.
    expect((await submit(formOf(await page(), 'paid'), { invoice: '2', on: '2026-11-20', amount: '300', reference: 'VIR 42' })).status).toBe(303);
    const answers = await listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
    expect(answers.map((a) => [a.kind, a.invoiceExternalId, a.hasAttachment]).sort()).toEqual([['dispute', '2', true], ['paid', '2', false], ['plan', '1', false], ['promise', '1', false]]);
    expect(answers.find((a) => a.kind === 'dispute')!.detail).toEqual({ kind: 'dispute', reason: 'other', text: 'jamais reçu' });
    expect(answers.find((a) => a.kind === 'paid')!.detail).toEqual({ kind: 'paid', on: '2026-11-20', amount: '300', reference: 'VIR 42' });
    expect(answers.find((a) => a.kind === 'plan')!.detail).toMatchObject({ text: 'merci' });
  });

  it('offers the dispute reasons in the customer’s words, a promise for all the invoices, and dates the browser’s calendar limits', async () => {
    const { page } = await company();
    const html = await page();
    // A fresh page: nothing chosen for the customer, nothing marked, every answer folded.
    expect(html).not.toMatch(/selected|invalid|class="err"|role="alert"|data-done|<details[^>]* open/);
    const dispute = formOf(html, 'dispute');
    const reasons = [...dispute.html.matchAll(/<option value="([a-z_]+)"[^>]*>([^<]+)</g)].map((m) => [m[1], m[2]!.trim()]);
    expect(reasons).toEqual([
      ['not_received', 'Marchandise ou prestation non reçue'], ['quality', 'Problème de qualité'], ['quantity', 'Quantité erronée'],
      ['price', 'Prix erroné'], ['not_ordered', 'Non commandé'], ['other', 'Autre (précisez ci-dessous)'],
    ]);
    // Only the promise may cover every invoice; the others are about one.
    expect(formOf(html, 'promise').html).toMatch(/<option value="">Toutes les factures ci-dessous<\/option>/);
    for (const kind of ['dispute', 'plan', 'paid']) expect(formOf(html, kind).html, kind).not.toContain('<option value="">');
    expect(formOf(html, 'promise').html).toMatch(/<option value="1">F-1 · 900,00\s€<\/option>/);
    const promiseOn = formOf(html, 'promise').fields.find((f) => f.name === 'on')!;
    expect(promiseOn.type).toBe('date');
    expect(promiseOn.attrs).toContain('min="2026-11-24"');
    const paidOn = formOf(html, 'paid').fields.find((f) => f.name === 'on')!;
    expect(paidOn.type).toBe('date');
    expect(paidOn.attrs).toContain('max="2026-11-24"');
    // Files: the types the portal keeps, and the amounts typed as decimals.
    for (const kind of ['dispute', 'paid']) expect(formOf(html, kind).fields.find((f) => f.name === 'file')!.attrs, kind).toContain('accept="application/pdf,image/png,image/jpeg"');
    for (const kind of ['promise', 'paid']) expect(formOf(html, kind).fields.find((f) => f.name === 'amount')!.attrs, kind).toMatch(/type="text" inputmode="decimal"/);
    expect(formOf(html, 'plan').html).toContain('placeholder="2027-01-15 500,00"');
  });
});

describe('a refused answer', () => {
  it('comes back with its own form open, filled in as sent, the fields to correct marked with their message, the others not', async () => {
    const { token } = await company();
    const first = await (await app.request(`/p/${token}`, { headers: { 'x-forwarded-for': nextIp() } })).text();
    const res = await submit(formOf(first, 'dispute'), { invoice: '2', reason: 'other', text: '' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    const dispute = formOf(html, 'dispute');
    expect(html.slice(html.lastIndexOf('<details', html.indexOf('name="kind" value="dispute"')), html.indexOf('name="kind" value="dispute"'))).toMatch(/<details class="answer" open/);
    for (const kind of ['promise', 'plan', 'paid']) expect(html.slice(html.lastIndexOf('<details', html.indexOf(`name="kind" value="${kind}"`)), html.indexOf(`name="kind" value="${kind}"`)), kind).not.toMatch(/<details[^>]* open/);
    // The invoice and reason chosen are still chosen; the text to give is marked, with its message.
    expect(dispute.html).toMatch(/<option value="2" selected="">/);
    expect(dispute.html).toMatch(/<option value="other" selected="">/);
    expect(dispute.html).toMatch(/<div class="field invalid">\s*<label for="dispute-text">[^<]*<\/label>\s*<textarea[^>]*><\/textarea>\s*<div class="err">Précisez le motif en quelques mots.<\/div>/);
    expect(dispute.html).not.toMatch(/<div class="field invalid">\s*<label for="dispute-(invoice|reason|file)"/);
    expect((html.match(/class="err"/g) ?? []).length).toBe(1);
    for (const kind of ['promise', 'plan', 'paid']) expect(formOf(html, kind).html, kind).not.toMatch(/invalid|selected|class="err"/);
  });

  it('a refused promise or payment keeps what was typed and marks its own fields only; a refused plan keeps its lines and text', async () => {
    const { token } = await company();
    const load = async () => (await app.request(`/p/${token}`, { headers: { 'x-forwarded-for': nextIp() } })).text();
    const promise = await (await submit(formOf(await load(), 'promise'), { invoice: '9', on: '2027-06-01', amount: 'beaucoup' })).text();
    const p = formOf(promise, 'promise');
    expect(p.fields.find((f) => f.name === 'on')!.value).toBe('2027-06-01');
    expect(p.fields.find((f) => f.name === 'amount')!.value).toBe('beaucoup');
    for (const field of ['invoice', 'on', 'amount']) expect(p.html, field).toMatch(new RegExp(`<div class="field invalid">\\s*<label for="promise-${field}">`));
    expect(p.html).toContain('<div class="err">Choisissez une des factures listées.</div>');
    expect((promise.match(/class="err"/g) ?? []).length).toBe(3);
    // The same fields of the other forms ("on", "amount", the invoice) are not marked.
    for (const kind of ['dispute', 'plan', 'paid']) expect(formOf(promise, kind).html, kind).not.toMatch(/invalid|selected|class="err"/);
    const paid = await (await submit(formOf(await load(), 'paid'), { invoice: '1', on: '2026-12-01', amount: 'zéro' }, new Blob(['<html>']))).text();
    for (const field of ['on', 'amount', 'file']) expect(formOf(paid, 'paid').html, field).toMatch(new RegExp(`<div class="field invalid">\\s*<label for="paid-${field}">`));
    expect(formOf(paid, 'paid').html).toMatch(/<option value="1" selected="">/);
    for (const kind of ['promise', 'dispute', 'plan']) expect(formOf(paid, kind).html, kind).not.toMatch(/invalid|selected|class="err"/);
    // The payment's date and amount are not copied into the promise's fields of the same names.
    expect(formOf(paid, 'promise').fields.filter((f) => f.name === 'on' || f.name === 'amount').map((f) => f.value)).toEqual(['', '']);
    for (const kind of ['dispute', 'plan', 'paid']) expect(formOf(promise, kind).fields.filter((f) => f.tag === 'input' && f.type !== 'hidden' && f.type !== 'file').map((f) => f.value ?? ''), kind).toEqual(formOf(promise, kind).fields.filter((f) => f.tag === 'input' && f.type !== 'hidden' && f.type !== 'file').map(() => ''));
    const plan = await (await submit(formOf(await load(), 'plan'), { invoice: '1', instalments: '2026-12-15 400,00', text: 'deux fois' })).text();
    expect(formOf(plan, 'plan').html).toMatch(/<textarea id="plan-instalments"[^>]*>2026-12-15 400,00<\/textarea>/);
    expect(formOf(plan, 'plan').html).toMatch(/<textarea id="plan-text"[^>]*>deux fois<\/textarea>/);
    expect(formOf(plan, 'plan').html).toMatch(/<div class="field invalid">\s*<label for="plan-instalments">/);
    expect(formOf(plan, 'dispute').html).toMatch(/<textarea id="dispute-text"[^>]*><\/textarea>/);
  });
});

describe('a refused answer, field by field', () => {
  /** Every field's class on the page: "field", or "field invalid" for one to correct. */
  const classes = (html: string) => [...html.matchAll(/<div class="(field[^"]*)">/g)].map((m) => m[1]);

  it('a dispute refused for its file: its file field marked with the message, its one invoice and one reason still chosen, its text kept; the other forms left empty', async () => {
    const { page } = await company();
    const res = await submit(formOf(await page(), 'dispute'), { invoice: '2', reason: 'quality', text: 'rayures sur la pièce' }, new Blob(['<html>not a document</html>'], { type: 'text/html' }));
    expect(res.status).toBe(422);
    const html = await res.text();
    const dispute = formOf(html, 'dispute');
    expect(dispute.html).toMatch(/<div class="field invalid">\s*<label for="dispute-file">[^<]*<\/label>\s*<input[^>]*>\s*<div class="err">Seuls les documents PDF, PNG ou JPEG sont acceptés.<\/div>/);
    // One invoice and one reason chosen, not every option.
    expect([...dispute.html.matchAll(/<option value="([^"]*)" selected="">/g)].map((m) => m[1])).toEqual(['2', 'quality']);
    expect(dispute.html).toMatch(/<textarea id="dispute-text"[^>]*>rayures sur la pièce<\/textarea>/);
    // Only that field is marked, every other one is a plain field; the payment's file field is not this one.
    expect(classes(html).filter((c) => c !== 'field')).toEqual(['field invalid']);
    expect(formOf(html, 'paid').html).toMatch(/<div class="field">\s*<label for="paid-file">/);
    expect((html.match(/class="err"/g) ?? []).length).toBe(1);
    // The other forms carry nothing of it.
    expect(formOf(html, 'plan').html).toMatch(/<textarea id="plan-instalments"[^>]*><\/textarea>/);
    expect(formOf(html, 'plan').html).toMatch(/<textarea id="plan-text"[^>]*><\/textarea>/);
    for (const kind of ['promise', 'paid']) expect(formOf(html, kind).fields.filter((f) => f.name === 'on').map((f) => f.value), kind).toEqual(['']);
  });

  it('a payment refused for its remittance says why under its own file field, not under the dispute’s', async () => {
    const { page } = await company();
    const res = await submit(formOf(await page(), 'paid'), { invoice: '1', on: '2026-11-20', amount: '900', reference: 'VIR 7' }, new Blob(['GIF89a'], { type: 'image/gif' }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(formOf(html, 'paid').html).toMatch(/<div class="field invalid">\s*<label for="paid-file">[^<]*<\/label>\s*<input[^>]*>\s*<div class="err">Seuls les documents PDF, PNG ou JPEG sont acceptés.<\/div>/);
    expect(formOf(html, 'dispute').html).toMatch(/<div class="field">\s*<label for="dispute-file">/);
    expect(classes(html).filter((c) => c !== 'field')).toEqual(['field invalid']);
    // What was typed is kept.
    expect(formOf(html, 'paid').fields.filter((f) => ['on', 'amount', 'reference'].includes(f.name ?? '')).map((f) => f.value)).toEqual(['2026-11-20', '900', 'VIR 7']);
  });

  it('a field the form did not send comes back empty', async () => {
    const { page } = await company();
    // "Other" without its explanation, the text field left out of the request altogether.
    const res = await submit(formOf(await page(), 'dispute'), { invoice: '2', reason: 'other' });
    expect(res.status).toBe(422);
    expect(formOf(await res.text(), 'dispute').html).toMatch(/<textarea id="dispute-text"[^>]*><\/textarea>/);
  });

  it('a plan whose first instalment is due today is received; one for an invoice not listed is refused for its invoice', async () => {
    const { page } = await company();
    expect((await submit(formOf(await page(), 'plan'), { invoice: '1', instalments: '2026-11-24 450,00\n2026-12-24 450,00' })).status).toBe(303);
    const res = await submit(formOf(await page(), 'plan'), { invoice: '9', instalments: '2026-12-15 450,00\n2027-01-15 450,00' });
    expect(res.status).toBe(422);
    const plan = formOf(await res.text(), 'plan');
    expect(plan.html).toMatch(/<div class="field invalid">\s*<label for="plan-invoice">/);
    expect(plan.html).toContain('<div class="err">Choisissez une des factures listées.</div>');
    expect(plan.html).toMatch(/<div class="field">\s*<label for="plan-instalments">/);
  });
});

describe('what the statement shows', () => {
  it('each invoice’s state: overdue for how long, or not yet due (due today is not overdue)', async () => {
    const { t, page } = await company({ invoices: [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c1', '2026-11-24', '300.00'), invoice('3', 'c1', '2026-12-24', '100.00')] });
    const html = await page();
    // The columns, the amounts right-aligned.
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)![1]!;
    expect([...head.matchAll(/<th(?: class="([^"]*)")?>([^<]*)<\/th>/g)].map((m) => [m[2], m[1] ?? ''])).toEqual([
      ['Facture', ''], ['Émise le', ''], ['Échéance', ''], ['Montant TTC', 'num'], ['Reste à payer', 'num'], ['État', ''],
    ]);
    // Whose page it is, by name.
    expect(text(html)).toContain(`Cette page vous est adressée pour le compte de ${t.tenant.name}.`);
    const rows = [...html.matchAll(/<tr data-invoice="(F-\d)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1], text(m[2]!).trim()]);
    expect(rows).toEqual([
      ['F-1', expect.stringMatching(/^F-1 1 sept\. 2026 15 oct\. 2026 900,00 € 900,00 € échue depuis 40 jours$/)],
      ['F-2', expect.stringMatching(/ non échue$/)],
      ['F-3', expect.stringMatching(/ non échue$/)],
    ]);
  });

  it('the total per currency, and every link to another site opens apart, without this page’s address', async () => {
    const { t, page } = await company({ invoices: [{ ...invoice('1', 'c1', '2026-10-15', '900.00'), pdfUrl: 'https://erp.example/f1.pdf' }, { ...invoice('2', 'c1', '2026-11-30', '300.00'), currency: 'GBP' }] });
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({ legalName: 'Atelier Dupont SAS', addressLine1: '1 rue A', postalCode: '69003', city: 'Lyon', contactEmail: 'compta@atelier.fr', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP', paymentLink: 'https://pay.example.com/?ref={reference}&amount={amount}&cur={currency}' }), 'marie');
    const html = await page();
    expect(text(html)).toContain('Voici ce qui reste à régler : 900,00 € + 300,00 £GB.');
    const external = [...html.matchAll(/<a ([^>]*href="https:[^>]*)>/g)].map((m) => m[1]!);
    expect(external.length).toBe(5);
    for (const a of external) expect(a, a).toMatch(/rel="noopener noreferrer" target="_blank"/);
    const buttons = html.slice(html.indexOf('data-pay="link"'), html.indexOf('</div>', html.indexOf('data-pay="link"')));
    expect([...buttons.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['https://pay.example.com/?ref=F-1&amp;amount=900.00&amp;cur=EUR', 'https://pay.example.com/?ref=F-2&amp;amount=300.00&amp;cur=GBP']);
    expect(text(html)).toContain('IBAN FR76 3000 6000 0112 3456 7890 189 · BIC AGRIFRPP');
    const download = /<a href="([^"]+)" download="">/.exec(html)![1]!;
    const pdf = await app.request(download, { headers: { 'x-forwarded-for': nextIp() } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('nothing left to pay: a thank-you, and no table nor forms', async () => {
    const { page } = await company({ invoices: [{ ...invoice('1', 'c1', '2026-10-15', '0.00'), status: 'paid', total: '900.00' }] });
    const html = await page();
    expect(text(html)).toContain('Plus rien ne reste à régler. Merci.');
    expect(html).not.toMatch(/<form|<table|data-invoice/);
    expect(text(html)).toContain('Cette page vous est adressée pour le compte de');
  });

  it('in English for an English customer: the texts they rely on, with no French word', async () => {
    const { page } = await company({ language: 'en' });
    const html = await page('?done=already');
    // Told apart from a thank-you: information, not success.
    expect(html).toContain('<div class="flash info" role="status" data-done="already">');
    expect(await page('?done=plan')).toContain('<div class="flash ok" role="status" data-done="plan">');
    const words = text(html);
    for (const s of ['Hello Garage Leroy', 'Here is what remains to be paid: €1,200.00.', 'Invoices to pay', '40 days overdue', 'not yet due', 'Download the statement (PDF)', 'I will pay on a date', 'I dispute an invoice', 'I need a payment plan', 'I have already paid', 'All the invoices below', 'Goods or service not received', 'This answer was already received.', 'This page is sent on behalf of']) expect(words, s).toContain(s);
    expect(formOf(html, 'plan').html).toContain('placeholder="2027-01-15 500.00"');
    expect(words).not.toMatch(/\b(Bonjour|Facture|échue|Envoyer|Merci|Répondre|relevé)\b/i);
  });

  it('every field has its label, tied by id, so that a click or a screen reader finds it', async () => {
    const { page } = await company();
    const html = await page();
    const ids = [...html.matchAll(/<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
    const labelled = [...html.matchAll(/<label for="([^"]+)">/g)].map((m) => m[1]);
    const visible = [...html.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]!));
    expect(visible.length).toBe(15);
    expect(ids).toHaveLength(visible.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...labelled].sort()).toEqual([...ids].sort());
  });

  it('a document link is followed only when it is an https address; an invoice without a number shows a dash', async () => {
    const { t, page } = await company({ invoices: [{ ...invoice('1', 'c1', '2026-10-15', '900.00'), pdfUrl: 'javascript:alert(1)//https://erp.example/' }, { ...invoice('2', 'c1', '2026-11-30', '300.00'), pdfUrl: 'http://erp.example/f2.pdf', number: null }, { ...invoice('3', 'c1', '2026-12-15', '50.00'), pdfUrl: 'https://erp.example/f3.pdf', number: null }] });
    // A Belgian account: 16 characters, four groups of four.
    await saveCompanyProfile(sql, t.tenant.id, CompanyProfileData.parse({ legalName: 'Atelier Dupont SA', addressLine1: '1 rue A', postalCode: '1000', city: 'Bruxelles', iban: 'BE68539007547034', bic: 'BBRUBEBB' }), 'marie');
    const html = await page();
    expect(html).toContain('<a href="https://erp.example/f3.pdf" rel="noopener noreferrer" target="_blank">—</a>');
    expect(html).toContain('<code>BE68 5390 0754 7034</code> · BIC <code>BBRUBEBB</code>');
    expect(text(html)).toContain('Indiquez le numéro de facture en référence du virement : F-1, —, —.');
    expect(html).not.toMatch(/href="(javascript:|http:)/);
    expect(html).toMatch(/<tr data-invoice="F-1"><td data-label="Facture">F-1<\/td>/);
    expect(html).toMatch(/<tr data-invoice=""><td data-label="Facture">—<\/td>/);
    expect(formOf(html, 'dispute').html).toMatch(/<option value="2">— · 300,00\s€<\/option>/);
  });
});
