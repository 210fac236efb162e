/** @jsxImportSource hono/jsx */
// The dunning policy editor: one block per step, validated by the Policy schema, errors shown next to their field.
import type { Hono } from 'hono';
import { TEMPLATE_IDS } from '../../../actions/templates.js';
import { policyFor } from '../../../collections/run.js';
import { Channel } from '../../../model/collections.js';
import { CALENDARS } from '../../../rules/business-calendar.js';
import { Policy, type PolicyStep } from '../../../rules/policy.js';
import { activePolicy, savePolicy } from '../../../store/policies.js';
import { listTenants } from '../../../store/auth.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { Csrf, FieldError, Flash, Page, issuesByPath, render } from '../layout.js';

type Form = Record<string, string>;

/** The editable view of a policy as form values (strings), the same shape a submitted form has. */
export function policyToForm(p: Policy): Form {
  const f: Form = {
    name: p.name,
    language: p.language,
    calendar: p.calendar,
    groupBy: p.groupBy,
    minAmount: p.minAmount,
    catchUp: p.catchUp?.startAt ?? '',
    dailyCap: String(p.dailyCap),
    quietDays: String(p.quietDays),
    paymentTransmittedPauseDays: String(p.paymentTransmittedPauseDays),
    customerOverrides: JSON.stringify(p.customerOverrides, null, 2),
    invoiceOverrides: JSON.stringify(p.invoiceOverrides, null, 2),
    stepCount: String(p.steps.length),
  };
  p.steps.forEach((s, i) => {
    const k = (n: string) => `s.${i}.${n}`;
    f[k('id')] = s.id;
    f[k('name')] = s.name ?? '';
    f[k('days')] = String(s.offset.days);
    f[k('unit')] = s.offset.unit;
    f[k('from')] = s.offset.from;
    f[k('channel')] = s.channel;
    f[k('templateId')] = s.templateId;
    f[k('minAmount')] = s.minAmount ?? '';
    f[k('graceDays')] = s.graceDays === undefined ? '' : String(s.graceDays);
    f[k('segments')] = (s.segments ?? []).join(', ');
    f[k('condition')] = s.condition ?? '';
    f[k('deadlineDays')] = s.deadlineDays === undefined ? '' : String(s.deadlineDays);
    f[k('requiresPrevious')] = s.requiresPrevious === undefined ? '' : s.requiresPrevious ? 'yes' : 'no';
    if (s.includePenalties) f[k('includePenalties')] = 'on';
  });
  return f;
}

const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s);

/**
 * Builds the policy document from the form over the current policy (fields the form does not show, such as the send
 * window or a step's tags, are kept). JSON textareas that do not parse become issues on their field.
 */
export function formToDocument(form: Form, current: Policy): { doc: Record<string, unknown>; jsonErrors: Record<string, string>; formIndex: number[] } {
  const jsonErrors: Record<string, string> = {};
  const json = (key: 'customerOverrides' | 'invoiceOverrides') => {
    const text = (form[key] ?? '').trim();
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      jsonErrors[key] = `not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
      return current[key];
    }
  };
  const count = Math.min(Number(form['stepCount'] ?? 0) || 0, 50);
  const steps: Record<string, unknown>[] = [];
  // Removed blocks shift the document's step indices: this maps them back to the form's blocks for error messages.
  const formIndex: number[] = [];
  for (let i = 0; i < count; i++) {
    const g = (n: string) => form[`s.${i}.${n}`];
    if (g('remove') === 'on') continue;
    formIndex.push(i);
    const base: Partial<PolicyStep> = current.steps.find((s) => s.id === g('id')) ?? {};
    const segments = (g('segments') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const step: Record<string, unknown> = {
      ...base,
      id: (g('id') ?? '').trim(),
      offset: { days: num(g('days')) ?? 0, unit: g('unit') || 'calendar', from: g('from') || 'due' },
      channel: g('channel'),
      templateId: (g('templateId') ?? '').trim(),
      includePenalties: g('includePenalties') === 'on',
    };
    const name = g('name')?.trim();
    if (name) step['name'] = name;
    else delete step['name'];
    const setOpt = (key: string, value: unknown) => (value === undefined || value === '' ? delete step[key] : (step[key] = value));
    setOpt('minAmount', g('minAmount')?.trim().replace(',', '.'));
    setOpt('graceDays', num(g('graceDays')));
    setOpt('condition', g('condition')?.trim());
    setOpt('segments', segments.length ? segments : undefined);
    setOpt('deadlineDays', num(g('deadlineDays')));
    // Unset: the channel decides (letters and hand-offs wait for the step before them to be delivered).
    setOpt('requiresPrevious', g('requiresPrevious') === 'yes' ? true : g('requiresPrevious') === 'no' ? false : undefined);
    steps.push(step);
  }
  const doc: Record<string, unknown> = {
    ...current,
    name: (form['name'] ?? '').trim(),
    language: form['language'] || current.language,
    calendar: form['calendar'],
    groupBy: form['groupBy'],
    minAmount: (form['minAmount'] ?? '0').trim().replace(',', '.') || '0',
    dailyCap: num(form['dailyCap']) ?? current.dailyCap,
    quietDays: num(form['quietDays']) ?? current.quietDays,
    paymentTransmittedPauseDays: num(form['paymentTransmittedPauseDays']) ?? current.paymentTransmittedPauseDays,
    steps,
    customerOverrides: json('customerOverrides'),
    invoiceOverrides: json('invoiceOverrides'),
  };
  const catchUp = (form['catchUp'] ?? '').trim();
  if (catchUp) doc['catchUp'] = { startAt: catchUp };
  else delete doc['catchUp'];
  return { doc, jsonErrors, formIndex };
}

const NEW_STEP = { id: '', days: '', unit: 'calendar', from: 'due', channel: 'email', templateId: '' };

/**
 * The form with one more empty step block at its place in time: before the first step counted from the due date that
 * comes later (never between a step and the one counted from it), at the end when no day is given. Saving sorts
 * the steps too (the Policy schema does); inserting here shows the step where it will run.
 */
export function insertStepBlock(form: Form, days: string | undefined): Form {
  const count = Number(form['stepCount'] ?? 0) || 0;
  const day = days !== undefined && /^-?\d+$/.test(days.trim()) ? Number(days.trim()) : null;
  let at = count;
  if (day !== null) {
    for (let i = 0; i < count; i++) {
      const d = num(form[`s.${i}.days`]);
      if (form[`s.${i}.from`] !== 'previous' && typeof d === 'number' && d > day) {
        at = i;
        break;
      }
    }
  }
  const out: Form = {};
  for (const [key, value] of Object.entries(form)) {
    const m = /^s\.(\d+)\.(.+)$/.exec(key);
    if (!m) out[key] = value;
    else out[`s.${Number(m[1]) >= at ? Number(m[1]) + 1 : Number(m[1])}.${m[2]}`] = value;
  }
  for (const [key, value] of Object.entries(NEW_STEP)) out[`s.${at}.${key}`] = value;
  if (day !== null) out[`s.${at}.days`] = String(day);
  delete out['newStepDays'];
  out['stepCount'] = String(count + 1);
  return out;
}

async function policyPage(c: UiContext, deps: UiDeps, form: Form, errors: Record<string, string>, info: { version: number | null; saved?: number }) {
  const t = c.get('t');
  const csrf = c.get('session').csrfToken;
  const count = Number(form['stepCount'] ?? 0);
  const has = (path: string) => (errors[path] ? 'invalid' : '');
  const v = (k: string) => form[k] ?? '';
  const invalid = Object.keys(errors).length > 0;
  /** A policy-level number field: its label, its value from the form, its error from the schema. */
  const numberField = (id: string, name: string, label: string, mode: 'numeric' | 'decimal' = 'numeric') => (
    <div class={`field ${has(name)}`}>
      <label for={id}>{label}</label>
      <input id={id} type="text" inputmode={mode} name={name} value={v(name)} />
      <FieldError errors={errors} path={name} />
    </div>
  );
  return render(
    c,
    <Page c={c} title={t.policy} active="policy" tenants={await visibleTenants(c, deps)} subtitle={info.version ? `${t.version} ${info.version}` : t.usingDefault}>
      {info.saved ? <Flash tone="ok">{`${t.policySaved} ${info.saved}.`}</Flash> : null}
      {invalid ? <Flash tone="bad">{t.policyInvalid}</Flash> : null}
      <form method="post" action="/policy" novalidate>
        <Csrf token={csrf} />
        <input type="hidden" name="stepCount" value={String(count)} />
        <div class="card">
          <div class="row">
            <div class={`field ${has('name')}`}>
              <label for="p-name">{t.policyName}</label>
              <input id="p-name" type="text" name="name" value={v('name')} />
              <FieldError errors={errors} path="name" />
            </div>
            <div class={`field ${has('calendar')}`}>
              <label for="p-cal">{t.calendar}</label>
              <select id="p-cal" name="calendar">
                {CALENDARS.map((x) => (
                  <option value={x} selected={v('calendar') === x}>
                    {x}
                  </option>
                ))}
              </select>
            </div>
            <div class={`field ${has('groupBy')}`}>
              <label for="p-group">{t.groupBy}</label>
              <select id="p-group" name="groupBy">
                {(['invoice', 'customer_currency'] as const).map((x) => (
                  <option value={x} selected={v('groupBy') === x}>
                    {t[`group_${x}`]}
                  </option>
                ))}
              </select>
            </div>
            {numberField('p-min', 'minAmount', t.minAmount, 'decimal')}
          </div>
          <div class="row">
            <div class={`field ${has('catchUp.startAt')}`}>
              <label for="p-catchup">{t.catchUp}</label>
              <select id="p-catchup" name="catchUp">
                <option value="" selected={v('catchUp') === ''}>
                  {t.catchUpNone}
                </option>
                {Array.from({ length: count }, (_, i) => ({ id: v(`s.${i}.id`), name: v(`s.${i}.name`) }))
                  .filter((s) => s.id)
                  .map((s) => (
                    <option value={s.id} selected={v('catchUp') === s.id}>
                      {s.name || s.id}
                    </option>
                  ))}
              </select>
              <div class="hint">{t.catchUpHint}</div>
              <FieldError errors={errors} path="catchUp.startAt" />
            </div>
            {numberField('p-cap', 'dailyCap', t.dailyCap)}
            {numberField('p-quiet', 'quietDays', t.quietDays)}
            {numberField('p-ptp', 'paymentTransmittedPauseDays', t.pauseAfterTransmitted)}
          </div>
          <FieldError errors={errors} path="steps" />
        </div>
        <h2>{t.steps}</h2>
        {Array.from({ length: count }, (_, i) => {
          const k = (n: string) => `s.${i}.${n}`;
          const e = (n: string) => `steps.${i}.${n}`;
          return (
            <fieldset class="step" data-step={String(i)}>
              <div class="head">
                <strong>
                  {t.step} {i + 1}
                  {v(k('name')) ? ` · ${v(k('name'))}` : ''}
                </strong>
                <label class="check">
                  <input type="checkbox" name={k('remove')} /> {t.remove}
                </label>
              </div>
              <div class="row">
                <div class={`field ${has(e('id'))}`}>
                  <label for={k('id')}>{t.stepId}</label>
                  <input id={k('id')} type="text" name={k('id')} value={v(k('id'))} />
                  <FieldError errors={errors} path={e('id')} />
                </div>
                <div class={`field ${has(e('name'))}`}>
                  <label for={k('name')}>{t.name}</label>
                  <input id={k('name')} type="text" name={k('name')} value={v(k('name'))} />
                </div>
                <div class={`field ${has(e('offset.days'))}`}>
                  <label for={k('days')}>{t.offsetDays}</label>
                  <input id={k('days')} type="text" inputmode="numeric" name={k('days')} value={v(k('days'))} />
                  <FieldError errors={errors} path={e('offset.days')} />
                </div>
                <div class={`field ${has(e('offset.unit'))}`}>
                  <label for={k('unit')}>{t.unit}</label>
                  <select id={k('unit')} name={k('unit')}>
                    {(['calendar', 'business'] as const).map((x) => (
                      <option value={x} selected={v(k('unit')) === x}>
                        {t[`unit_${x}`]}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={`field ${has(e('offset.from'))}`}>
                  <label for={k('from')}>{t.from}</label>
                  <select id={k('from')} name={k('from')}>
                    {(['due', 'previous'] as const).map((x) => (
                      <option value={x} selected={v(k('from')) === x}>
                        {t[`from_${x}`]}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errors} path={e('offset.from')} />
                </div>
              </div>
              <div class="row">
                <div class={`field ${has(e('channel'))}`}>
                  <label for={k('channel')}>{t.channel}</label>
                  <select id={k('channel')} name={k('channel')}>
                    {Channel.options.map((x) => (
                      <option value={x} selected={v(k('channel')) === x}>
                        {t[`channel_${x}`]}
                      </option>
                    ))}
                  </select>
                  <FieldError errors={errors} path={e('channel')} />
                </div>
                <div class={`field ${has(e('templateId'))}`}>
                  <label for={k('templateId')}>{t.template}</label>
                  <input id={k('templateId')} type="text" list="template-ids" name={k('templateId')} value={v(k('templateId'))} />
                  <FieldError errors={errors} path={e('templateId')} />
                </div>
                <div class={`field ${has(e('minAmount'))}`}>
                  <label for={k('minAmount')}>{t.minAmount}</label>
                  <input id={k('minAmount')} type="text" inputmode="decimal" name={k('minAmount')} value={v(k('minAmount'))} />
                  <FieldError errors={errors} path={e('minAmount')} />
                </div>
                <div class={`field ${has(e('graceDays'))}`}>
                  <label for={k('graceDays')}>{t.graceDays}</label>
                  <input id={k('graceDays')} type="text" inputmode="numeric" name={k('graceDays')} value={v(k('graceDays'))} />
                  <FieldError errors={errors} path={e('graceDays')} />
                </div>
              </div>
              <div class="row">
                <div class={`field ${has(e('segments')) || has(e('segments.0'))}`}>
                  <label for={k('segments')}>{t.segments}</label>
                  <input id={k('segments')} type="text" name={k('segments')} value={v(k('segments'))} />
                  <div class="hint">{t.segmentsHint}</div>
                  <FieldError errors={errors} path={e('segments')} />
                  <FieldError errors={errors} path={e('segments.0')} />
                </div>
                <div class={`field ${has(e('condition'))}`}>
                  <label for={k('condition')}>{t.condition}</label>
                  <input id={k('condition')} type="text" name={k('condition')} value={v(k('condition'))} />
                </div>
              </div>
              <div class="row">
                <div class={`field ${has(e('requiresPrevious'))}`}>
                  <label for={k('requiresPrevious')}>{t.requiresPrevious}</label>
                  <select id={k('requiresPrevious')} name={k('requiresPrevious')}>
                    {(['', 'yes', 'no'] as const).map((x) => (
                      <option value={x} selected={v(k('requiresPrevious')) === x}>
                        {x === '' ? t.rp_default : x === 'yes' ? t.rp_yes : t.rp_no}
                      </option>
                    ))}
                  </select>
                </div>
                <div class={`field ${has(e('deadlineDays'))}`}>
                  <label for={k('deadlineDays')}>{t.deadlineDays}</label>
                  <input id={k('deadlineDays')} type="text" inputmode="numeric" name={k('deadlineDays')} value={v(k('deadlineDays'))} />
                  <FieldError errors={errors} path={e('deadlineDays')} />
                </div>
              </div>
              <label class="check">
                <input type="checkbox" name={k('includePenalties')} checked={v(k('includePenalties')) === 'on'} /> {t.includePenalties}
              </label>
            </fieldset>
          );
        })}
        <datalist id="template-ids">
          {TEMPLATE_IDS.map((id) => (
            <option value={id} />
          ))}
        </datalist>
        <div class="card">
          <div class={`field ${has('customerOverrides')}`}>
            <label for="p-co">{t.overridesCustomers}</label>
            <textarea id="p-co" name="customerOverrides">{v('customerOverrides')}</textarea>
            <div class="hint">{t.overridesHint}</div>
            <FieldError errors={errors} path="customerOverrides" />
            {Object.entries(errors)
              .filter(([p]) => p.startsWith('customerOverrides.'))
              .map(([p, m]) => (
                <div class="err">{`${p.slice('customerOverrides.'.length)}: ${m}`}</div>
              ))}
          </div>
          <div class={`field ${has('invoiceOverrides')}`}>
            <label for="p-io">{t.overridesInvoices}</label>
            <textarea id="p-io" name="invoiceOverrides">{v('invoiceOverrides')}</textarea>
            <FieldError errors={errors} path="invoiceOverrides" />
            {Object.entries(errors)
              .filter(([p]) => p.startsWith('invoiceOverrides.'))
              .map(([p, m]) => (
                <div class="err">{`${p.slice('invoiceOverrides.'.length)}: ${m}`}</div>
              ))}
          </div>
        </div>
        <div class="actions">
          <button type="submit" name="op" value="save">
            {t.save}
          </button>
          <label for="p-new-days">{t.offsetDays}</label>
          <input id="p-new-days" type="text" inputmode="numeric" name="newStepDays" value="" size={4} />
          <button type="submit" name="op" value="add" class="secondary">
            + {t.addStep}
          </button>
        </div>
      </form>
    </Page>,
    invalid ? 422 : 200,
  );
}

export function policyRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/policy', async (c) => {
    const tenant = tenantOf(c);
    const stored = await activePolicy(deps.sql, tenant.id);
    return policyPage(c, deps, policyToForm(await policyFor(deps.sql, tenant)), {}, { version: stored?.version ?? null });
  });

  app.post('/policy', async (c) => {
    const tenant = tenantOf(c);
    const stored = await activePolicy(deps.sql, tenant.id);
    const current = await policyFor(deps.sql, tenant);
    const body = await c.req.parseBody();
    const form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    if (form['op'] === 'add') {
      // Adding a step only re-renders the form with one more empty block; nothing is saved yet.
      return policyPage(c, deps, insertStepBlock(form, form['newStepDays']), {}, { version: stored?.version ?? null });
    }
    const { doc, jsonErrors, formIndex } = formToDocument(form, current);
    const parsed = Policy.safeParse(doc);
    const errors: Record<string, string> = { ...jsonErrors };
    if (!parsed.success) {
      for (const [path, message] of Object.entries(issuesByPath(parsed.error.issues))) {
        errors[path.replace(/^steps\.(\d+)/, (_m, n: string) => `steps.${formIndex[Number(n)] ?? n}`)] ??= message;
      }
    }
    if (!parsed.success || Object.keys(jsonErrors).length) return policyPage(c, deps, form, errors, { version: stored?.version ?? null });
    const version = await savePolicy(deps.sql, tenant.id, current.id, parsed.data);
    return policyPage(c, deps, policyToForm({ ...parsed.data, version }), {}, { version, saved: version });
  });
}
