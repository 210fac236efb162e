// Templates: every shipped id renders in both languages, locale formatting is exact, and user templates cannot read files or use unknown filters.
import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney, formatRate, pickLanguage } from '../../src/actions/format.js';
import { CATALOG, TEMPLATE_IDS, TemplateRejected, isFormalTemplate, renderMessage, shippedTemplate, validateTemplate } from '../../src/actions/templates.js';
import { buildVars, penaltiesFor } from '../../src/actions/vars.js';
import type { PlannedAction } from '../../src/model/collections.js';
import { COMPANY, customer, invoice } from './fixtures.js';

describe('locale formatting', () => {
  it.each([
    ['1240', 'EUR', 'fr', '1\u00a0240,00\u00a0€'],
    ['1240', 'EUR', 'en', '€1,240.00'],
    ['1234567.891', 'EUR', 'fr', '1\u00a0234\u00a0567,89\u00a0€'],
    ['0.005', 'EUR', 'en', '€0.01'],
    ['-12.5', 'EUR', 'fr', '-12,50\u00a0€'],
    ['999.99', 'GBP', 'en', '£999.99'],
    ['1000', 'JPY', 'en', '1,000\u00a0JPY'],
    ['1000', 'JPY', 'fr', '1\u00a0000\u00a0JPY'],
    ['20000000000000.01', 'USD', 'en', '$20,000,000,000,000.01'],
  ])('formatMoney(%s, %s, %s)', (amount, cur, lang, want) => {
    expect(formatMoney(amount, cur, lang as 'fr' | 'en')).toBe(want);
  });

  it('formats dates and rates without a time zone, and picks the language', () => {
    expect(formatDate('2026-03-01', 'fr')).toBe('01/03/2026');
    expect(formatDate('2026-03-01', 'en')).toBe('1 March 2026');
    expect(formatRate('12.15', 'fr')).toBe('12,15\u00a0%');
    expect(formatRate('11.750', 'en')).toBe('11.75%');
    expect(pickLanguage('en-GB', 'fr')).toBe('en');
    expect(pickLanguage('de', 'fr')).toBe('fr');
    expect(pickLanguage(null, 'en')).toBe('en');
    expect(pickLanguage(undefined, 'es')).toBe('en');
  });
});

describe('validateTemplate', () => {
  it.each([
    ["{% include '/etc/passwd' %}", 'include'],
    ["{%- include '../../secrets.json' -%}", 'include'],
    ["{% render 'footer' %}", 'render'],
    ["{% layout 'base' %}", 'layout'],
    ['{% block x %}{% endblock %}', 'block'],
  ])('rejects %s as a file read', (src, tag) => {
    const v = validateTemplate(src);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toBe(`the {% ${tag} %} tag is not allowed: templates cannot read other files; paste the text into the template instead`);
  });

  it('rejects unknown tags, unknown filters, syntax errors and oversized sources with a message', () => {
    const msg = (s: string) => {
      const v = validateTemplate(s);
      return v.ok ? null : v.message;
    };
    expect(msg('{% liquid echo 1 %}')).toMatch(/^the \{% liquid %\} tag is not allowed; allowed tags: if, /);
    expect(msg('{{ customer.name | exec }}')).toMatch(/undefined filter: exec/);
    expect(msg('{% if total_due %}x')).toMatch(/not closed/);
    expect(msg('x'.repeat(50_001))).toBe('template is 50001 characters; the limit is 50000');
    expect(msg('{{ customer.name | upcase }} {% for i in invoices %}{{ i.number }}{% endfor %}')).toBeNull();
  });

  it('refuses to render a user template that reads a file, even when not validated first', async () => {
    await expect(renderMessage({ subject: 'x', body: "{% include '/etc/passwd' %}" }, {})).rejects.toThrow(TemplateRejected);
    await expect(renderMessage({ subject: 'x', body: "{% render '/etc/passwd' %}" }, {})).rejects.toThrow(/body: the \{% render %\}/);
  });

  it('escapes values and the body itself in the HTML version only: a body cannot carry markup', async () => {
    const out = await renderMessage({ subject: 'Re {{ n }}', body: 'Hi {{ n }} <b onclick="x()">bold</b>' }, { n: '<img src=x onerror=alert(1)>' });
    expect(out.text).toBe('Hi <img src=x onerror=alert(1)> <b onclick="x()">bold</b>\n');
    expect(out.html).toBe('<p>Hi &lt;img src=x onerror=alert(1)&gt; &lt;b onclick=&quot;x()&quot;&gt;bold&lt;/b&gt;</p>');
  });

  it('renders both versions from one body: paragraphs, line breaks, lists and links', async () => {
    const body = 'Bonjour {{ who }},\n\nLigne une\nligne deux.\n\n- premier\n- second\n\nVoir https://pay.example/x?a=1&b=2.\n{% if nothing %}\n\n\n\nrien{% endif %}\n\nFin';
    const out = await renderMessage({ subject: 's', body }, { who: 'Zoé' });
    expect(out.text).toBe('Bonjour Zoé,\n\nLigne une\nligne deux.\n\n- premier\n- second\n\nVoir https://pay.example/x?a=1&b=2.\n\nFin\n');
    expect(out.html.split('\n')).toEqual([
      '<p>Bonjour Zoé,</p>',
      '<p>Ligne une<br>ligne deux.</p>',
      '<ul><li>premier</li><li>second</li></ul>',
      '<p>Voir <a href="https://pay.example/x?a=1&amp;b=2">https://pay.example/x?a=1&amp;b=2</a>.</p>',
      '<p>Fin</p>',
    ]);
  });

  it('puts our blocks where the body puts them: a list in the text, a table in the HTML, with the same figures', async () => {
    const vars = { language: 'fr', invoices: [{ number: 'F-9', issue_date: '1 févr. 2026', due_date: '3 mars 2026', amount_due: '12,00 €', total: '20,00 €', days_late: 4 }], total_due: '12,00 €', credits: [], has_credits: false };
    const out = await renderMessage({ subject: 's', body: 'Avant.\n\n{% invoices %}\n\nAprès. {% payment %}' }, vars);
    expect(out.text).toBe('Avant.\n\n- Facture F-9 du 1 févr. 2026, échéance 3 mars 2026 : 12,00 € restant dû sur 20,00 € (4 jours de retard)\nTotal dû : 12,00 €\n\nAprès.\n');
    expect(out.html).toMatch(/^<p>Avant\.<\/p>\n<table[ >]/);
    expect(out.html).toContain('<td>F-9</td><td>1 févr. 2026</td><td>3 mars 2026</td><td>20,00 €</td><td>12,00 €</td><td>4 j</td>');
    expect(out.html).toMatch(/<\/p>\n<p>Après\.<\/p>$/);
  });

  it('still renders a body saved before blocks existed (the invoice loop written out)', async () => {
    const old = 'Bonjour,\n\n{% for inv in invoices %}- Facture {{ inv.number }} : {{ inv.amount_due }}\n{% endfor %}Total dû : {{ total_due }}\n';
    const out = await renderMessage({ subject: 's', body: old }, { language: 'fr', invoices: [{ number: 'A', amount_due: '1 €' }, { number: 'B', amount_due: '2 €' }], total_due: '3 €' });
    expect(out.text).toBe('Bonjour,\n\n- Facture A : 1 €\n- Facture B : 2 €\nTotal dû : 3 €\n');
    expect(out.html).toBe('<p>Bonjour,</p>\n<p>- Facture A : 1 €<br>- Facture B : 2 €<br>Total dû : 3 €</p>');
  });
});

/** The words of an HTML version as a reader sees them: tags dropped, entities decoded, spaces collapsed. */
const visibleWords = (html: string) =>
  html.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

describe('shipped templates', () => {
  const inv = invoice('s1', 'c1', { dueDate: '2026-02-13', number: 'F-S1' });
  const action = {
    idempotencyKey: 'k', covers: [], tenantId: 't', policyId: 'p', policyVersion: 1, stepId: 's', stepIndex: 0, channel: 'email', templateId: 'x', dueOn: '2026-03-16', scheduledOn: '2026-03-16',
    scope: 'invoice', customerExternalId: 'c1', currency: 'EUR', invoices: [{ externalId: 's1', number: 'F-S1', dueDate: '2026-02-13', amountDue: '1240.00', daysPastDue: 31, triggered: true, instalmentOf: null }],
    credits: [], amountDue: '1240.00', openCredits: '0.00', netDue: '1240.00', penalties: [{ invoiceExternalId: 's1', warnings: [] }], explain: '',
  } as PlannedAction;
  const current = new Map([[inv.externalId, inv]]);

  it.each(TEMPLATE_IDS.flatMap((id) => (['fr', 'en'] as const).map((lang) => [id, lang] as const)))('%s in %s validates and renders with its reference and amounts', async (id, lang) => {
    const parts = shippedTemplate(id, lang);
    for (const p of [parts.subject, parts.body]) expect(validateTemplate(p)).toEqual({ ok: true });
    const family = id.startsWith('fr.') ? 'FR' : 'UK';
    const vars = buildVars({ action, current, customer: customer('c1', { name: 'Zoé & Fils' }), company: COMPANY, language: lang, family, today: '2026-03-16', deadlineDays: 8, penalties: penaltiesFor(action, current, family, '2026-03-16') });
    const out = await renderMessage(parts, vars);
    expect(out.subject).toContain('F-S1');
    expect(out.text).toContain(lang === 'fr' ? '1\u00a0240,00\u00a0€' : '€1,240.00');
    if (isFormalTemplate(id)) {
      // A formal notice opens and closes formally (the debtor's name is on the letter's address block).
      expect(out.text.split('\n')[0]).toBe(lang === 'fr' ? 'Madame, Monsieur,' : 'Dear Sir or Madam,');
      expect(out.text).toContain(lang === 'fr' ? 'salutations distinguées' : 'Yours faithfully');
      expect(out.text).not.toMatch(/Bonjour|Cordialement|Kind regards/);
      expect(out.html).toContain('Claire Dupont<br>Atelier Dupont SAS');
    } else expect(out.html).toContain('Zoé &amp; Fils');
    expect(out.text).not.toMatch(/\{\{|\{%/);
    // One source: every figure of the text (amounts, numbers, dates) is in the HTML, and, our blocks aside (a table and
    // links there, a list here), every paragraph of the text version reads word for word the same in the HTML one.
    for (const figure of out.text.match(/\d[\d\u00a0\u202f.,]*\d/g) ?? []) expect(visibleWords(out.html)).toContain(figure.replace(/\s+/g, ' '));
    const prose = await renderMessage({ subject: parts.subject, body: parts.body.replace(/\{% (invoices|payment) %\}/g, '') }, vars);
    const paragraphs = prose.text.split('\n\n');
    expect(paragraphs.length).toBeGreaterThanOrEqual(4);
    for (const para of paragraphs) expect(visibleWords(prose.html)).toContain(para.replace(/\s+/g, ' ').trim());
  });

  it('adds amounts of 16 significant digits exactly: the total a float would round a cent off', () => {
    const big = [inv, invoice('s2', 'c1', { number: 'F-S2', total: '12345678901234.57', amountDue: '12345678901234.57' })];
    const lines = [{ ...action.invoices[0]!, amountDue: '98765432109876.54' }, { ...action.invoices[0]!, externalId: 's2', number: 'F-S2', amountDue: '12345678901234.57' }];
    const grouped = { ...action, scope: 'customer_currency', invoices: lines, penalties: [] } as PlannedAction;
    const vars = buildVars({ action: grouped, current: new Map(big.map((i) => [i.externalId, i])), customer: customer('c1'), company: COMPANY, language: 'en', family: 'UK', today: '2026-03-16', deadlineDays: 8, penalties: [] });
    // 98765432109876.54 + 12345678901234.57 in binary floating point is 111111111011111.12.
    expect(vars.total_due).toBe('€111,111,111,011,111.11');
    expect(vars.net_due).toBe('€111,111,111,011,111.11');
  });

  it('ships all fourteen ids in French and English', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...TEMPLATE_IDS].sort());
    expect(TEMPLATE_IDS).toHaveLength(14);
    expect(() => shippedTemplate('fr.nope', 'fr')).toThrow(/unknown template "fr.nope"/);
  });
});
