// The engine's reasons in the reader's language: every kind of reason has a French and an English sentence, steps are
// named as the policy names them, amounts and dates are formatted for the locale, and no id shows.
import { describe, expect, it } from 'vitest';
import { evaluate, explainSentence, type ExplainPart } from '../../../src/rules/evaluate.js';
import { FRENCH_B2B_POLICY } from '../../../src/rules/default-policies.js';
import { explainPart, explainText } from '../../../src/http/ui/explain.js';
import { DICTS } from '../../../src/http/ui/i18n.js';
import { Customer, Invoice } from '../../../src/model/index.js';

const ALL: ExplainPart[] = [
  { code: 'step', n: 2, step: 'reminder-1', dpd: 12 },
  { code: 'step', n: 1, step: 'courtesy', dpd: -3 },
  { code: 'invoice', number: 'FA-104' },
  { code: 'grouped', reaching: 2, listed: 3 },
  { code: 'instalment', n: '2' },
  { code: 'amount', amount: '1840.5', min: '50', currency: 'EUR' },
  { code: 'segment', segment: 'watch' },
  { code: 'caught_up', days: 33, step: 'reminder-1' },
  { code: 'scheduled_caught_up', on: '2026-12-01' },
  { code: 'later_skipped', steps: ['formal-notice (1.00 < 50.00)'] },
  { code: 'covers', items: [{ number: 'FA-99', step: 'courtesy' }] },
  { code: 'never_earlier' },
  { code: 'resumed', on: '2026-11-30' },
  { code: 'broken_promise', number: 'FA-104', on: '2026-11-30', amount: '500.00', currency: 'EUR', owner: 'marie' },
];
/** English words our French sentences must not contain. */
const ENGLISH = /\b(step|days?|past|due|invoice|listed|amount|required|caught|scheduled|later|steps|covering|resumed|promise|broken|the|and|of)\b/i;

describe('explanations in the reader’s language', () => {
  it('every kind of reason reads French on a French page, with step names and French numbers and dates', () => {
    const fr = ALL.map((r) => explainPart(r, DICTS.fr, 'fr', FRENCH_B2B_POLICY));
    for (const line of fr) expect(line).not.toMatch(ENGLISH);
    expect(fr[0]).toBe('étape 2 (Relance 1) : échue depuis 12 jours');
    expect(fr[1]).toBe('étape 1 (Rappel de courtoisie) : 3 jours avant l’échéance');
    expect(fr[5]).toMatch(/^1\s?840,50\s€ dus, minimum requis 50,00\s€$/);
    expect(fr[6]).toBe('Segment de risque\u00a0: à surveiller');
    expect(fr[8]).toBe('prévue le 1 déc. 2026, envoyée à la première occasion');
    expect(fr[13]).toMatch(/^promesse de payer facture FA-104 \(500,00\s€\) avant le 30 nov\. 2026 non tenue/);
  });

  it('English pages get English, and the engine keeps an English sentence for logs', () => {
    const en = ALL.map((r) => explainPart(r, DICTS.en, 'en', FRENCH_B2B_POLICY));
    expect(en[0]).toBe('step 2 (Relance 1): 12 days past due');
    expect(explainSentence(ALL.slice(0, 3))).toBe('step 2 (reminder-1): 12 days past due, step 1 (courtesy): 3 days before due, invoice FA-104');
  });

  it('the engine’s own plan carries its reasons, and an action without them falls back to the English sentence', async () => {
    const customer = Customer.parse({ externalId: 'c1', name: 'Garage Leroy', email: 'c1@x.fr', emails: [], phone: null, language: 'fr', currency: 'EUR', creditLimit: null, tags: [], address: null, externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
    const invoice = Invoice.parse({ externalId: 'i1', number: 'FA-1', customerExternalId: 'c1', issueDate: '2026-09-01', dueDate: '2026-11-10', currency: 'EUR', total: '900.00', amountDue: '900.00', status: 'open', lines: [], externalVersion: '0', updatedAt: '2026-09-01T10:00:00Z' });
    const actions = await evaluate({ tenantId: 't', today: '2026-11-24', timeZone: 'Europe/Paris', policy: FRENCH_B2B_POLICY, customers: [customer], invoices: [invoice] });
    const [a] = actions;
    expect(a!.reasons?.map((r) => r.code)).toEqual(['step', 'grouped', 'amount', 'segment', 'caught_up']);
    expect(explainText(a!, DICTS.fr, 'fr', FRENCH_B2B_POLICY)).toMatch(/^étape 2 \(Relance 1\) : échue depuis 14 jours · 1 facture\(s\) atteignant une étape/);
    expect(explainText({ reasons: [] }, DICTS.fr, 'fr', FRENCH_B2B_POLICY)).toBeNull();
  });
});
