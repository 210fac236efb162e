// The policy editor's form and the policy, both ways: steps as rows in time order, delays as numbers, conditions as fields, exceptions as rows.
import { templateUse, type TemplateUse } from '../../actions/templates.js';
import { compileCondition } from '../../rules/evaluate.js';
import { Policy, SEGMENTS, type Override, type PolicyInput, type PolicyStep } from '../../rules/policy.js';
import { policyProblems } from '../../rules/policy-checks.js';

/** Form values by field name, as a submitted form has them (strings). */
export type Form = Record<string, string>;

/** A message key of the policy dictionary (en.json, fr.json) with its parameters; the page says it in its language. */
export interface FormError {
  key: string;
  params?: Record<string, string>;
}
/** Errors by form field name (`s.2.days`, `co.0.customer`, `json`…). */
export type Errors = Record<string, FormError>;

export const MAX_DELAY = 365;
export const WHENS = ['before', 'after', 'previous'] as const;
export type When = (typeof WHENS)[number];

const STEP_FIELDS = [
  'id', 'name', 'days', 'when', 'unit', 'channel', 'templateId', 'minAmount', 'tags', 'minDaysPastDue', 'currencies',
  'condition', 'conditionOrig', 'graceDays', 'deadlineDays', 'requiresPrevious', 'includePenalties', 'forInstalments',
  ...SEGMENTS.map((s) => `seg.${s}`),
] as const;
const OVERRIDE_FIELDS = ['target', 'disabled', 'minAmount', 'delayDays'] as const;

// ---- Conditions: the fields the form shows, compiled to the JSONata the engine evaluates (evaluate.ts `conditionFacts`).

export interface ConditionFields {
  /** The step applies only from this many days past due. */
  minDaysPastDue?: number;
  /** The step applies only to invoices in one of these currencies. */
  currencies?: string[];
}

/** The JSONata expression for the condition fields, or undefined when they say nothing. */
export function compileConditionFields(f: ConditionFields): string | undefined {
  const parts: string[] = [];
  if (f.minDaysPastDue !== undefined) parts.push(`daysPastDue >= ${f.minDaysPastDue}`);
  if (f.currencies?.length) parts.push(f.currencies.length === 1 ? `invoice.currency = "${f.currencies[0]}"` : `invoice.currency in [${f.currencies.map((c) => `"${c}"`).join(', ')}]`);
  return parts.length ? parts.join(' and ') : undefined;
}

/** The fields an expression was compiled from, or null when it is not one the form can show (it stays advanced). */
export function parseConditionFields(expr: string): ConditionFields | null {
  const out: ConditionFields = {};
  for (const clause of expr.trim().split(/\s+and\s+/)) {
    const days = /^daysPastDue\s*>=\s*(\d+)$/.exec(clause);
    const one = /^invoice\.currency\s*=\s*"([A-Z]{3})"$/.exec(clause);
    const many = /^invoice\.currency\s+in\s+\[\s*((?:"[A-Z]{3}"\s*,\s*)*"[A-Z]{3}")\s*\]$/.exec(clause);
    if (days && out.minDaysPastDue === undefined) out.minDaysPastDue = Number(days[1]);
    else if (one && !out.currencies) out.currencies = [one[1]!];
    else if (many && !out.currencies) out.currencies = many[1]!.split(',').map((c) => c.trim().slice(1, -1));
    else return null;
  }
  return out;
}

// ---- Policy → form.

const whenOf = (s: PolicyStep): When => (s.offset.from === 'previous' ? 'previous' : s.offset.days < 0 ? 'before' : 'after');
const overrideRows = (prefix: string, map: Record<string, Override>, f: Form) => {
  const entries = Object.entries(map);
  f[`${prefix}.count`] = String(entries.length);
  entries.forEach(([target, o], i) => {
    const k = (n: string) => `${prefix}.${i}.${n}`;
    f[k('target')] = target;
    if (o.disabled) f[k('disabled')] = 'on';
    f[k('minAmount')] = o.minAmount ?? '';
    f[k('delayDays')] = o.delayDays ? String(o.delayDays) : '';
    for (const id of o.skipSteps) f[k(`skip.${id}`)] = 'on';
  });
};

/** The editable view of a policy as form values: what the page renders and a browser posts back unchanged. */
export function policyToForm(p: Policy): Form {
  const f: Form = {
    name: p.name,
    calendar: p.calendar,
    groupBy: p.groupBy,
    minAmount: p.minAmount,
    catchUp: p.catchUp?.startAt ?? '',
    dailyCap: String(p.dailyCap),
    quietDays: String(p.quietDays),
    promiseMaxDays: String(p.promiseMaxDays),
    paymentTransmittedPauseDays: String(p.paymentTransmittedPauseDays),
    replyPauseDays: String(p.replyPauseDays),
    stepCount: String(p.steps.length),
  };
  p.steps.forEach((s, i) => {
    const k = (n: string) => `s.${i}.${n}`;
    f[k('id')] = s.id;
    f[k('name')] = s.name ?? '';
    f[k('days')] = String(Math.abs(s.offset.days));
    f[k('when')] = whenOf(s);
    f[k('unit')] = s.offset.unit;
    f[k('channel')] = s.channel;
    f[k('templateId')] = s.templateId;
    f[k('minAmount')] = s.minAmount ?? '';
    f[k('tags')] = (s.tags ?? []).join(', ');
    for (const seg of s.segments ?? []) f[k(`seg.${seg}`)] = 'on';
    const fields = s.condition ? parseConditionFields(s.condition) : {};
    f[k('minDaysPastDue')] = fields?.minDaysPastDue === undefined ? '' : String(fields.minDaysPastDue);
    f[k('currencies')] = (fields?.currencies ?? []).join(', ');
    f[k('condition')] = s.condition ?? '';
    f[k('conditionOrig')] = s.condition ?? '';
    f[k('graceDays')] = s.graceDays === undefined ? '' : String(s.graceDays);
    f[k('deadlineDays')] = s.deadlineDays === undefined ? '' : String(s.deadlineDays);
    f[k('requiresPrevious')] = s.requiresPrevious === undefined ? '' : s.requiresPrevious ? 'yes' : 'no';
    if (s.includePenalties) f[k('includePenalties')] = 'on';
    if (s.forInstalments) f[k('forInstalments')] = 'on';
  });
  overrideRows('co', p.customerOverrides, f);
  overrideRows('io', p.invoiceOverrides, f);
  f['json'] = policyJson(p);
  f['jsonOrig'] = f['json'];
  return f;
}

/** The policy as the JSON the "Advanced" box shows (without its id and version, which the store sets). */
export function policyJson(p: Policy): string {
  const { id: _id, version: _version, ...doc } = p;
  return JSON.stringify(doc, null, 2);
}

// ---- Rows: the form's steps as objects, to sort, insert and remove.

type Row = Record<string, string>;
const stepRows = (form: Form): Row[] => {
  const count = Math.min(Number(form['stepCount'] ?? 0) || 0, 50);
  return Array.from({ length: count }, (_, i) => {
    const row: Row = {};
    for (const [key, value] of Object.entries(form)) {
      const m = /^s\.(\d+)\.(.+)$/.exec(key);
      if (m && Number(m[1]) === i) row[m[2]!] = value;
    }
    return row;
  });
};
const withRows = (form: Form, prefix: string, countKey: string, rows: readonly Row[]): Form => {
  const out: Form = {};
  for (const [key, value] of Object.entries(form)) if (!key.startsWith(`${prefix}.`)) out[key] = value;
  rows.forEach((row, i) => {
    for (const [n, v] of Object.entries(row)) out[`${prefix}.${i}.${n}`] = v;
  });
  out[countKey] = String(rows.length);
  return out;
};
const overrideRowsOf = (form: Form, prefix: string): Row[] => {
  const count = Math.min(Number(form[`${prefix}.count`] ?? 0) || 0, 500);
  return Array.from({ length: count }, (_, i) => {
    const row: Row = {};
    for (const [key, value] of Object.entries(form)) {
      const m = new RegExp(`^${prefix}\\.(\\d+)\\.(.+)$`).exec(key);
      if (m && Number(m[1]) === i) row[m[2]!] = value;
    }
    return row;
  });
};

const int = (s: string | undefined): number | null => (s !== undefined && /^\s*-?\d+\s*$/.test(s) ? Number(s.trim()) : null);

/** A row's days from the due date (a business day counts as one), or null when its delay is not a number. */
function rowOffset(row: Row, previous: number | null): number | null {
  const days = int(row['days']);
  if (days === null) return null;
  if (row['when'] === 'previous') return previous === null ? null : previous + days;
  return row['when'] === 'before' ? -days : days;
}

/**
 * Rows in time order, the order the engine runs them in (`orderSteps`, which saving applies too): by days from the
 * due date; a step counted from the previous one stays right after it; a row whose delay is not a number yet stays
 * after the row it follows; ties keep the order given.
 */
function sortRows(rows: readonly Row[]): Row[] {
  const chains: Array<{ start: number; n: number; rows: Row[] }> = [];
  let at: number | null = null;
  let lastStart = -Infinity;
  for (const row of rows) {
    const last = chains.at(-1);
    if (row['when'] === 'previous' && last) {
      at = rowOffset(row, at);
      last.rows.push(row);
      continue;
    }
    at = rowOffset(row, null);
    const start = at ?? lastStart;
    lastStart = start;
    chains.push({ start, n: chains.length, rows: [row] });
  }
  return chains.sort((a, b) => a.start - b.start || a.n - b.n).flatMap((c) => c.rows);
}

/** The form with its step rows in time order. */
export const sortSteps = (form: Form): Form => withRows(form, 's', 'stepCount', sortRows(stepRows(form)));

/** A step id not used by another row: the template's usual id (reminder-1…), then with -2, -3… */
function freshId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'step';
  if (!taken.has(clean)) return clean;
  for (let n = 2; ; n++) if (!taken.has(`${clean}-${n}`)) return `${clean}-${n}`;
}

/** The fields of the "add a step" panel, checked: a delay that is a number of days. */
export function checkNewStep(form: Form): Errors {
  const days = int(form['new.days']);
  if (days === null) return { 'new.days': { key: 'pe_errDelayNumber' } };
  if (days < 0 || days > MAX_DELAY) return { 'new.days': { key: 'pe_errDelayRange', params: { max: String(MAX_DELAY) } } };
  return {};
}

/**
 * The form with one more step, from the "add a step" panel, at its place in time. The step gets the usual id of its
 * template (hidden: the step is named in the user's words) and, until the user writes one, the template's name.
 */
export function addStep(form: Form, templateName: (use: TemplateUse) => string): Form {
  const rows = stepRows(form);
  const use = templateUse(form['new.templateId'] ?? '');
  const taken = new Set(rows.map((r) => r['id'] ?? ''));
  const row: Row = {
    id: freshId(use?.stepId ?? 'step', taken),
    name: (form['new.name'] ?? '').trim() || (use ? templateName(use) : ''),
    days: String(int(form['new.days']) ?? 0),
    when: WHENS.includes(form['new.when'] as When) ? form['new.when']! : 'after',
    unit: form['new.unit'] === 'business' ? 'business' : 'calendar',
    channel: use?.channel ?? form['new.channel'] ?? 'email',
    templateId: use?.id ?? '',
    forInstalments: 'on',
  };
  // Letters and hand-offs are usually the formal ones: they state the penalties.
  if (row['channel'] === 'letter' || row['channel'] === 'handoff') row['includePenalties'] = 'on';
  const out = withRows(form, 's', 'stepCount', sortRows([...rows, row]));
  for (const key of Object.keys(out)) if (key.startsWith('new.')) delete out[key];
  return out;
}

/** The form without step `index`; the catch-up step and the exceptions forget it too. */
export function removeStep(form: Form, index: number): Form {
  const rows = stepRows(form);
  const gone = rows[index]?.['id'];
  const out = withRows(form, 's', 'stepCount', rows.filter((_, i) => i !== index));
  if (gone && out['catchUp'] === gone) out['catchUp'] = '';
  if (gone) for (const key of Object.keys(out)) if (/^(co|io)\.\d+\.skip\./.test(key) && key.endsWith(`.skip.${gone}`)) delete out[key];
  return out;
}

/** The form with one more (empty) customer or invoice exception row. */
export function addOverride(form: Form, prefix: 'co' | 'io'): Form {
  return withRows(form, prefix, `${prefix}.count`, [...overrideRowsOf(form, prefix), { target: '' }]);
}

/** The form without exception row `index`. */
export function removeOverride(form: Form, prefix: 'co' | 'io', index: number): Form {
  return withRows(form, prefix, `${prefix}.count`, overrideRowsOf(form, prefix).filter((_, i) => i !== index));
}

// ---- Form → policy.

const decimal = (s: string | undefined): string | null | undefined => {
  const v = (s ?? '').trim().replace(/\s/g, '').replace(',', '.');
  if (!v) return undefined;
  return /^\d{1,14}(\.\d{1,4})?$/.test(v) ? v : null;
};

export interface ReadResult {
  /** The policy to save, when nothing is wrong. */
  policy: Policy | null;
  /** The form to show again: steps in time order, as the user wrote them. */
  form: Form;
  errors: Errors;
}

export interface ReadOptions {
  /** Template ids that exist (shipped); a step naming another is refused. */
  templates: ReadonlySet<string>;
  /** What a step is called in messages when it has no name yet. */
  stepLabel: (index: number) => string;
}

/**
 * Reads the submitted form over the current policy (fields the form does not show, such as the send window or
 * the penalty jurisdiction, are kept). When the JSON under "Advanced" was edited, it is what is read instead, and
 * the form is rebuilt from it. Every problem is an error on the field to fix.
 */
export function readForm(submitted: Form, current: Policy, opts: ReadOptions): ReadResult {
  const json = submitted['json'];
  // Browsers send a textarea's line breaks as CRLF: only a change of content counts as an edit.
  const same = (a: string, b: string) => a.replace(/\r\n?/g, '\n').trim() === b.replace(/\r\n?/g, '\n').trim();
  if (json !== undefined && submitted['jsonOrig'] !== undefined && !same(json, submitted['jsonOrig'])) return readJson(submitted, json, current, opts);
  const form = sortSteps(submitted);
  const errors: Errors = {};
  const rows = stepRows(form);
  const name = (i: number) => (rows[i]?.['name'] ?? '').trim() || opts.stepLabel(i);
  const wholeDays = (field: string, value: string | undefined, min: number, max: number): number | undefined => {
    if ((value ?? '').trim() === '') return undefined;
    const n = int(value);
    if (n === null || n < min || n > max) {
      errors[field] = { key: 'pe_errWholeDays', params: { min: String(min), max: String(max) } };
      return undefined;
    }
    return n;
  };
  const amount = (field: string, value: string | undefined): string | undefined => {
    const v = decimal(value);
    if (v === null) errors[field] = { key: 'pe_errAmount' };
    return v ?? undefined;
  };
  if (rows.length === 0) errors['steps'] = { key: 'pe_errNoSteps' };
  const taken = new Set(rows.map((r) => r['id'] ?? '').filter(Boolean));
  const byId = new Map(current.steps.map((s) => [s.id, s]));
  const steps = rows.map((row, i) => {
    const f = (n: string) => `s.${i}.${n}`;
    const id = row['id']?.trim() || freshId(templateUse(row['templateId'] ?? '')?.stepId ?? 'step', taken);
    taken.add(id);
    const base: Partial<PolicyStep> = byId.get(id) ?? {};
    const days = int(row['days']);
    if (days === null) errors[f('days')] = { key: 'pe_errDelayNumber' };
    else if (days < 0 || days > MAX_DELAY) errors[f('days')] = { key: 'pe_errDelayRange', params: { max: String(MAX_DELAY) } };
    const when = WHENS.includes(row['when'] as When) ? (row['when'] as When) : 'after';
    if (when === 'previous' && i === 0) errors[f('when')] = { key: 'pe_errFirstPrevious' };
    const templateId = (row['templateId'] ?? '').trim();
    const channel = row['channel'] ?? 'email';
    const use = templateUse(templateId);
    if (!templateId) errors[f('templateId')] = { key: 'pe_errTemplateMissing', params: { step: name(i) } };
    else if (!opts.templates.has(templateId)) errors[f('templateId')] = { key: 'pe_errTemplateUnknown', params: { step: name(i) } };
    else if (use && use.channel !== channel) errors[f('templateId')] = { key: 'pe_errTemplateChannel', params: { step: name(i), template: use.id, channel } };
    const segments = SEGMENTS.filter((s) => row[`seg.${s}`] === 'on');
    const tags = (row['tags'] ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const minDaysPastDue = wholeDays(f('minDaysPastDue'), row['minDaysPastDue'], 0, MAX_DELAY * 3);
    const currencies = (row['currencies'] ?? '').split(/[,\s]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
    if (currencies.some((c) => !/^[A-Z]{3}$/.test(c))) errors[f('currencies')] = { key: 'pe_errCurrencies' };
    // The JSONata box wins when the user edited it; otherwise the fields are compiled, unless the stored condition
    // was one the fields cannot show (it is kept as it is).
    const raw = (row['condition'] ?? '').trim();
    const orig = (row['conditionOrig'] ?? '').trim();
    const fieldsCondition = compileConditionFields({ ...(minDaysPastDue !== undefined ? { minDaysPastDue } : {}), ...(currencies.length ? { currencies } : {}) });
    const condition = raw !== orig || (orig && !parseConditionFields(orig)) ? raw || undefined : fieldsCondition;
    if (condition) {
      try {
        compileCondition(condition);
      } catch {
        errors[f('condition')] = { key: 'pe_errCondition' };
      }
    }
    const step: Record<string, unknown> = {
      ...base,
      id,
      offset: { days: days === null ? 0 : when === 'before' ? -days : days, unit: row['unit'] === 'business' ? 'business' : 'calendar', from: when === 'previous' ? 'previous' : 'due' },
      channel,
      templateId,
      includePenalties: row['includePenalties'] === 'on',
      forInstalments: row['forInstalments'] === 'on',
    };
    const set = (key: string, value: unknown) => (value === undefined || value === '' || (Array.isArray(value) && value.length === 0) ? delete step[key] : (step[key] = value));
    set('name', row['name']?.trim());
    set('minAmount', amount(f('minAmount'), row['minAmount']));
    set('segments', segments);
    set('tags', tags);
    set('condition', condition);
    set('graceDays', wholeDays(f('graceDays'), row['graceDays'], 0, MAX_DELAY));
    set('deadlineDays', wholeDays(f('deadlineDays'), row['deadlineDays'], 1, MAX_DELAY));
    // Unset: the channel decides (letters and hand-offs wait for the step before them to be delivered).
    set('requiresPrevious', row['requiresPrevious'] === 'yes' ? true : row['requiresPrevious'] === 'no' ? false : undefined);
    return step as PolicyStep;
  });
  const ids = steps.map((s) => s.id);
  const overrides = (prefix: 'co' | 'io') => {
    const out: Record<string, Override> = {};
    overrideRowsOf(form, prefix).forEach((row, i) => {
      const f = (n: string) => `${prefix}.${i}.${n}`;
      const target = (row['target'] ?? '').trim();
      if (!target) {
        errors[f('target')] = { key: prefix === 'co' ? 'pe_errCustomerMissing' : 'pe_errInvoiceMissing' };
        return;
      }
      if (out[target]) errors[f('target')] = { key: 'pe_errOverrideTwice' };
      const o: Override = { disabled: row['disabled'] === 'on', skipSteps: ids.filter((id) => row[`skip.${id}`] === 'on'), delayDays: wholeDays(f('delayDays'), row['delayDays'], 0, MAX_DELAY) ?? 0 };
      const min = amount(f('minAmount'), row['minAmount']);
      if (min !== undefined) o.minAmount = min;
      out[target] = o;
    });
    return out;
  };
  const catchUp = (form['catchUp'] ?? '').trim();
  const doc: PolicyInput = {
    ...current,
    name: (form['name'] ?? '').trim() || current.name,
    calendar: (form['calendar'] as PolicyInput['calendar']) ?? current.calendar,
    groupBy: form['groupBy'] === 'invoice' ? 'invoice' : 'customer_currency',
    minAmount: amount('minAmount', form['minAmount']) ?? '0',
    dailyCap: wholeDays('dailyCap', form['dailyCap'], 1, 100_000) ?? current.dailyCap,
    quietDays: wholeDays('quietDays', form['quietDays'], 0, MAX_DELAY) ?? current.quietDays,
    promiseMaxDays: wholeDays('promiseMaxDays', form['promiseMaxDays'], 1, MAX_DELAY) ?? current.promiseMaxDays,
    paymentTransmittedPauseDays: wholeDays('paymentTransmittedPauseDays', form['paymentTransmittedPauseDays'], 0, MAX_DELAY) ?? current.paymentTransmittedPauseDays,
    replyPauseDays: wholeDays('replyPauseDays', form['replyPauseDays'], 0, MAX_DELAY) ?? current.replyPauseDays,
    steps,
    customerOverrides: overrides('co'),
    invoiceOverrides: overrides('io'),
  };
  if (catchUp && ids.includes(catchUp)) doc.catchUp = { startAt: catchUp };
  else delete doc.catchUp;
  if (Object.keys(errors).length) return { policy: null, form, errors };
  const checked = check(doc, opts, (index) => `s.${index}`, name);
  if (checked.policy) return { policy: checked.policy, form: policyToForm(checked.policy), errors: {} };
  return { policy: null, form, errors: checked.errors };
}

/** Schema and save checks; errors keyed by the field to fix (`at(index)` is where step `index` is shown). */
function check(doc: unknown, opts: ReadOptions, at: (index: number) => string, name: (index: number) => string): { policy: Policy | null; errors: Errors } {
  const errors: Errors = {};
  const parsed = Policy.safeParse(doc);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, index, ...rest] = issue.path.map(String);
      const field = head === 'steps' && index !== undefined ? `${at(Number(index))}.${rest[0] === 'offset' ? 'days' : (rest[0] ?? 'days')}` : head === 'catchUp' ? 'catchUp' : (head ?? 'steps');
      errors[field] ??= issueError(issue.message, head === 'steps' && index !== undefined ? name(Number(index)) : '');
    }
    return { policy: null, errors };
  }
  // Problems are indexed in time order; the rows were read in that order too.
  for (const p of policyProblems(parsed.data, opts.templates)) {
    const index = parsed.data.steps.indexOf(p.step);
    const label = p.step.name || name(index);
    if (p.code === 'unknown_template') errors[`${at(index)}.templateId`] ??= { key: 'pe_errTemplateUnknown', params: { step: label } };
    else errors[`${at(index)}.channel`] ??= { key: 'pe_errNoPriorReminder', params: { step: label } };
  }
  return Object.keys(errors).length ? { policy: null, errors } : { policy: parsed.data, errors };
}

/** The schema's English message as a key of the dictionary (the shapes the form can still produce), else a generic one. */
function issueError(message: string, step: string): FormError {
  if (/falls before step/.test(message)) return { key: 'pe_errChainOrder', params: { step } };
  if (/overdue invoices cannot start at/.test(message)) return { key: 'pe_errCatchUp' };
  if (/duplicate step id/.test(message)) return { key: 'pe_errDuplicate', params: { step } };
  if (/first step has no previous/.test(message)) return { key: 'pe_errFirstPrevious' };
  return { key: 'pe_errInvalid', params: { detail: message } };
}

/** The form with its JSON box showing the policy the form now describes (kept as it was while the form is not valid). */
export function withCurrentJson(form: Form, current: Policy, opts: ReadOptions): Form {
  const { json: _json, jsonOrig: _orig, ...fields } = form;
  const read = readForm(fields, current, opts);
  if (!read.policy) return form;
  const json = policyJson(read.policy);
  return { ...form, json, jsonOrig: json };
}

function readJson(submitted: Form, json: string, current: Policy, opts: ReadOptions): ReadResult {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    return { policy: null, form: submitted, errors: { json: { key: 'pe_errJson', params: { detail: (e as Error).message } } } };
  }
  const full = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? { ...doc, id: current.id, version: current.version } : doc;
  const checked = check(full, opts, () => 'json', (i) => opts.stepLabel(i));
  if (checked.policy) return { policy: checked.policy, form: policyToForm(checked.policy), errors: {} };
  // Every problem of the JSON is said on the JSON box.
  const first = Object.values(checked.errors)[0] ?? { key: 'pe_errInvalid', params: { detail: '' } };
  return { policy: null, form: submitted, errors: { json: first } };
}
