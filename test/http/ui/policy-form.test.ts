// The policy editor's form ↔ policy conversion: round trips of the shipped policies, building one from nothing, time order, conditions, exceptions, errors.
import { describe, expect, it } from 'vitest';
import { TEMPLATE_IDS } from '../../../src/actions/templates.js';
import {
  addOverride, addStep, checkNewStep, compileConditionFields, parseConditionFields, policyToForm, readForm, removeStep, withCurrentJson, type Form,
} from '../../../src/http/ui/policy-form.js';
import { DICTS } from '../../../src/http/ui/i18n.js';
import { templateLabelKey } from '../../../src/http/ui/i18n.js';
import { compileCondition } from '../../../src/rules/evaluate.js';
import { FRENCH_B2B_POLICY, UK_POLICY } from '../../../src/rules/default-policies.js';
import { parsePolicy, type Policy } from '../../../src/rules/policy.js';

const opts = { templates: new Set<string>(TEMPLATE_IDS), stepLabel: (i: number) => `Étape ${i + 1}` };
const frName = (use: { id: string }) => DICTS.fr[templateLabelKey(use.id)];
const read = (form: Form, current: Policy = FRENCH_B2B_POLICY) => readForm(form, current, opts);
const stepIds = (form: Form) => Array.from({ length: Number(form['stepCount']) }, (_, i) => form[`s.${i}.id`]);

describe('policy form round trip', () => {
  it.each([FRENCH_B2B_POLICY, UK_POLICY])('reads back $name unchanged from its own form', (policy) => {
    const form = policyToForm(policy);
    const r = read(form, policy);
    expect(r.errors).toEqual({});
    expect(r.policy).toEqual(policy);
    // And the form of what was read is the form it came from.
    expect(r.form).toEqual(form);
  });

  it('shows delays as a number of days and where they count from, never a negative number', () => {
    const form = policyToForm(FRENCH_B2B_POLICY);
    expect([form['s.0.days'], form['s.0.when'], form['s.1.days'], form['s.1.when']]).toEqual(['3', 'before', '1', 'after']);
  });

  it('builds the shipped French policy from an empty one, without typing an id or JSON', () => {
    let form = policyToForm(FRENCH_B2B_POLICY);
    while (Number(form['stepCount']) > 0) form = removeStep(form, 0);
    expect(form['catchUp']).toBe('');
    // Added in a muddled order: each lands at its place in time.
    const add = (days: number, when: string, templateId: string, name = '') => (form = addStep({ ...form, 'new.days': String(days), 'new.when': when, 'new.templateId': templateId, 'new.name': name }, frName));
    add(30, 'after', 'fr.mise-en-demeure', 'Mise en demeure (LRAR)');
    add(1, 'after', 'fr.reminder-1');
    add(45, 'after', 'fr.handoff-injonction', 'Agence ou injonction de payer');
    add(3, 'before', 'fr.courtesy', 'Rappel de courtoisie');
    add(15, 'after', 'fr.firm-penalties', 'Relance ferme chiffrée (pénalités + 40 €)');
    add(8, 'after', 'fr.reminder-2');
    expect(stepIds(form)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'formal-notice', 'handoff']);
    // The rest is ticked and typed as the page shows it.
    const set: Form = {
      name: 'Relances B2B (France)', catchUp: 'reminder-1', 's.0.graceDays': '2',
      's.3.includePenalties': 'on', 's.4.deadlineDays': '8', 's.4.minAmount': '50,00', 's.5.minAmount': '50.00',
    };
    delete form['s.4.forInstalments'];
    delete form['s.5.forInstalments'];
    const r = read({ ...form, ...set });
    expect(r.errors).toEqual({});
    expect(r.policy).toEqual(FRENCH_B2B_POLICY);
  });
});

describe('time order', () => {
  it('puts a new step at its place in time, and a step counted from the previous one right after it', () => {
    const base = policyToForm(FRENCH_B2B_POLICY);
    const added = addStep({ ...base, 'new.days': '25', 'new.when': 'after', 'new.templateId': 'fr.call-script' }, frName);
    expect(stepIds(added)).toEqual(['courtesy', 'reminder-1', 'reminder-2', 'firm', 'call', 'formal-notice', 'handoff']);
    expect([added['s.4.name'], added['s.4.channel'], added['s.4.templateId']]).toEqual(['Appel de relance', 'call', 'fr.call-script']);
    const early = addStep({ ...base, 'new.days': '10', 'new.when': 'before', 'new.templateId': 'fr.courtesy' }, frName);
    expect(stepIds(early)).toEqual(['courtesy-2', 'courtesy', 'reminder-1', 'reminder-2', 'firm', 'formal-notice', 'handoff']);
  });

  it('moves a step when its delay changes: the saved order is the timeline order', () => {
    const form = { ...policyToForm(FRENCH_B2B_POLICY), 's.1.days': '20' };
    const r = read(form);
    expect(r.errors).toEqual({});
    expect(r.policy!.steps.map((s) => s.id)).toEqual(['courtesy', 'reminder-2', 'firm', 'reminder-1', 'formal-notice', 'handoff']);
    expect(stepIds(r.form)).toEqual(['courtesy', 'reminder-2', 'firm', 'reminder-1', 'formal-notice', 'handoff']);
  });

  it('keeps a step counted from the previous one after it, and counts its days from there', () => {
    const form = { ...policyToForm(FRENCH_B2B_POLICY), 's.2.days': '7', 's.2.when': 'previous' };
    const p = read(form).policy!;
    expect(p.steps[2]).toMatchObject({ id: 'reminder-2', offset: { days: 7, from: 'previous' } });
  });
});

describe('validation, in the page language', () => {
  it('says a delay must be a number of days, on its field', () => {
    const r = read({ ...policyToForm(FRENCH_B2B_POLICY), 's.2.days': 'dix' });
    expect(r.policy).toBeNull();
    expect(r.errors['s.2.days']).toEqual({ key: 'pe_errDelayNumber' });
    expect(DICTS.fr.pe_errDelayNumber).toBe('Le délai doit être un nombre de jours, par ex. 10');
    // Shown again in time order: the step with 400 days is now the last one.
    expect(read({ ...policyToForm(FRENCH_B2B_POLICY), 's.2.days': '400' }).errors['s.5.days']).toEqual({ key: 'pe_errDelayRange', params: { max: '365' } });
    expect(checkNewStep({ 'new.days': '' })).toEqual({ 'new.days': { key: 'pe_errDelayNumber' } });
    expect(checkNewStep({ 'new.days': '12' })).toEqual({});
  });

  it('refuses an unknown template, naming the step', () => {
    const r = read({ ...policyToForm(FRENCH_B2B_POLICY), 's.2.templateId': 'fr.appel' });
    expect(r.errors['s.2.templateId']).toEqual({ key: 'pe_errTemplateUnknown', params: { step: 'Relance 2' } });
  });

  it('refuses a template written for another channel', () => {
    const r = read({ ...policyToForm(FRENCH_B2B_POLICY), 's.2.channel': 'letter' });
    expect(r.errors['s.2.templateId']).toEqual({ key: 'pe_errTemplateChannel', params: { step: 'Relance 2', template: 'fr.reminder-2', channel: 'letter' } });
  });

  it('refuses a formal notice without a prior reminder (escalation stays gradual)', () => {
    let form = policyToForm(FRENCH_B2B_POLICY);
    for (let n = 0; n < 4; n++) form = removeStep(form, 0);
    const r = read({ ...form, catchUp: '' });
    expect(r.policy).toBeNull();
    expect(r.errors['s.0.channel']).toEqual({ key: 'pe_errNoPriorReminder', params: { step: 'Mise en demeure (LRAR)' } });
    // A letter told not to wait for the step before it is still a letter: refused too.
    expect(read({ ...form, catchUp: '', 's.0.requiresPrevious': 'no' }).errors['s.0.channel']).toEqual({ key: 'pe_errNoPriorReminder', params: { step: 'Mise en demeure (LRAR)' } });
    // With a reminder before it, the same ladder is accepted.
    const reminded = addStep({ ...form, catchUp: '', 'new.days': '10', 'new.when': 'after', 'new.templateId': 'fr.reminder-1' }, frName);
    expect(read(reminded).errors).toEqual({});
  });

  it('says when a step falls before one counted from the step before it', () => {
    // Relance 2 at 14 days after Relance 1 (J+15) would come after the firm reminder at J+12.
    const r = read({ ...policyToForm(FRENCH_B2B_POLICY), 's.2.days': '14', 's.2.when': 'previous', 's.3.days': '12' });
    expect(r.policy).toBeNull();
    expect(r.errors['s.3.days']).toEqual({ key: 'pe_errChainOrder', params: { step: 'Relance ferme chiffrée (pénalités + 40 €)' } });
  });

  it('says amounts, whole days, currencies and the catch-up step in words, not zod', () => {
    const r = read({ ...policyToForm(FRENCH_B2B_POLICY), 's.4.minAmount': 'cinquante', 's.4.deadlineDays': '0', 's.1.currencies': 'euro', catchUp: 'formal-notice' });
    expect(r.errors['s.4.minAmount']).toEqual({ key: 'pe_errAmount' });
    expect(r.errors['s.4.deadlineDays']).toEqual({ key: 'pe_errWholeDays', params: { min: '1', max: '365' } });
    expect(r.errors['s.1.currencies']).toEqual({ key: 'pe_errCurrencies' });
    const catchUp = read({ ...policyToForm(FRENCH_B2B_POLICY), catchUp: 'formal-notice' });
    expect(catchUp.errors['catchUp']).toEqual({ key: 'pe_errCatchUp' });
  });

  it('has every message key in both dictionaries', () => {
    const keys = Object.keys(DICTS.en).filter((k) => k.startsWith('pe_err'));
    expect(keys.length).toBeGreaterThan(15);
    for (const k of keys) expect((DICTS.fr as Record<string, string>)[k], k).toBeTruthy();
  });
});

describe('conditions as fields', () => {
  it('compiles the fields to the JSONata the engine evaluates, and reads them back', () => {
    const expr = compileConditionFields({ minDaysPastDue: 20, currencies: ['EUR', 'GBP'] })!;
    expect(expr).toBe('daysPastDue >= 20 and invoice.currency in ["EUR", "GBP"]');
    expect(parseConditionFields(expr)).toEqual({ minDaysPastDue: 20, currencies: ['EUR', 'GBP'] });
    expect(parseConditionFields('invoice.currency = "EUR"')).toEqual({ currencies: ['EUR'] });
    expect(parseConditionFields('$number(amountDue) > 1000')).toBeNull();
    expect(compileConditionFields({})).toBeUndefined();
  });

  it('evaluates as the fields say over the facts the engine gives a condition', async () => {
    const expr = compileCondition(compileConditionFields({ minDaysPastDue: 20, currencies: ['EUR'] })!);
    const facts = (daysPastDue: number, currency: string) => ({ invoice: { currency }, customer: null, segment: null, daysPastDue, amountDue: '10.00' });
    expect(await expr.evaluate(facts(20, 'EUR'))).toBe(true);
    expect(await expr.evaluate(facts(19, 'EUR'))).toBe(false);
    expect(await expr.evaluate(facts(40, 'GBP'))).toBe(false);
  });

  it('writes segments, tags, days past due and currency from the form, and shows them again', () => {
    const form = { ...policyToForm(FRENCH_B2B_POLICY), 's.3.seg.bad_payer': 'on', 's.3.seg.watch': 'on', 's.3.tags': 'vip, export', 's.3.minDaysPastDue': '12', 's.3.currencies': 'eur' };
    const p = read(form).policy!;
    expect(p.steps[3]).toMatchObject({ segments: ['watch', 'bad_payer'], tags: ['vip', 'export'], condition: 'daysPastDue >= 12 and invoice.currency = "EUR"' });
    const back = policyToForm(p);
    expect([back['s.3.minDaysPastDue'], back['s.3.currencies'], back['s.3.seg.watch'], back['s.3.seg.reliable']]).toEqual(['12', 'EUR', 'on', undefined]);
  });

  it('keeps an advanced JSONata condition the fields cannot show, and takes an edited one', () => {
    const policy = parsePolicy({ ...FRENCH_B2B_POLICY, steps: FRENCH_B2B_POLICY.steps.map((s, i) => (i === 2 ? { ...s, condition: '$number(amountDue) >= 1000' } : s)) });
    const form = policyToForm(policy);
    expect(read(form, policy).policy!.steps[2]!.condition).toBe('$number(amountDue) >= 1000');
    expect(read({ ...form, 's.2.condition': '$number(amountDue) >= 5000' }, policy).policy!.steps[2]!.condition).toBe('$number(amountDue) >= 5000');
    expect(read({ ...form, 's.2.condition': '$number(amountDue >= ' }, policy).errors['s.2.condition']).toEqual({ key: 'pe_errCondition' });
  });
});

describe('exceptions as rows', () => {
  it('round-trips customer and invoice exceptions', () => {
    let form = addOverride(addOverride(policyToForm(FRENCH_B2B_POLICY), 'co'), 'io');
    form = { ...form, 'co.0.target': 'C-42', 'co.0.disabled': 'on', 'io.0.target': 'INV-7', 'io.0.skip.reminder-2': 'on', 'io.0.delayDays': '5', 'io.0.minAmount': '100' };
    const p = read(form).policy!;
    expect(p.customerOverrides).toEqual({ 'C-42': { disabled: true, skipSteps: [], delayDays: 0 } });
    expect(p.invoiceOverrides).toEqual({ 'INV-7': { disabled: false, skipSteps: ['reminder-2'], delayDays: 5, minAmount: '100' } });
    expect(read(policyToForm(p), p).policy).toEqual(p);
    expect(read({ ...form, 'co.0.target': '' }).errors['co.0.target']).toEqual({ key: 'pe_errCustomerMissing' });
  });

  it('forgets a deleted step in the catch-up and the exceptions', () => {
    const form = { ...addOverride(policyToForm(FRENCH_B2B_POLICY), 'co'), 'co.0.target': 'C-1', 'co.0.skip.reminder-1': 'on' };
    const gone = removeStep(form, 1);
    expect(gone['catchUp']).toBe('');
    expect(gone['co.0.skip.reminder-1']).toBeUndefined();
  });
});

describe('the JSON under "Advanced"', () => {
  it('replaces the form when edited, and is refused in words when it does not parse', () => {
    const form = policyToForm(FRENCH_B2B_POLICY);
    const doc = JSON.parse(form['json']!) as { quietDays: number };
    doc.quietDays = 3;
    const r = read({ ...form, json: JSON.stringify(doc) });
    expect(r.policy!.quietDays).toBe(3);
    expect(r.form['quietDays']).toBe('3');
    expect(read({ ...form, json: '{ not json' }).errors['json']?.key).toBe('pe_errJson');
    const unknown = JSON.parse(form['json']!) as { steps: { templateId: string }[] };
    unknown.steps[1]!.templateId = 'fr.appel';
    expect(read({ ...form, json: JSON.stringify(unknown) }).errors['json']).toEqual({ key: 'pe_errTemplateUnknown', params: { step: 'Relance 1' } });
  });
});

describe('the JSON box follows the form', () => {
  it('is not taken for an edit when the browser sends its line breaks as CRLF', () => {
    const form = policyToForm(FRENCH_B2B_POLICY);
    const r = read({ ...form, json: form['json']!.replace(/\n/g, '\r\n'), 's.1.days': '5' });
    expect(r.policy!.steps[1]!.offset.days).toBe(5);
  });

  it('shows the policy the form describes after an edit, and stays as it was while the form is not valid', () => {
    const added = addStep({ ...policyToForm(FRENCH_B2B_POLICY), 'new.days': '25', 'new.when': 'after', 'new.templateId': 'fr.call-script' }, frName);
    const shown = withCurrentJson(added, FRENCH_B2B_POLICY, opts);
    expect((JSON.parse(shown['json']!) as Policy).steps.map((s) => s.id)).toContain('call');
    expect(shown['jsonOrig']).toBe(shown['json']);
    const broken = { ...added, 's.4.days': '' };
    expect(withCurrentJson(broken, FRENCH_B2B_POLICY, opts)).toBe(broken);
  });
});
