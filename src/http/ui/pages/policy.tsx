/** @jsxImportSource hono/jsx */
// The dunning policy editor ("Scénario"): steps on a timeline by their delay, channels and templates from lists, conditions and exceptions as fields, the JSON under "Advanced".
import type { Hono } from 'hono';
import { TEMPLATE_IDS, TEMPLATE_USES, templateUse, type TemplateUse } from '../../../actions/templates.js';
import type { Channel } from '../../../model/collections.js';
import { CALENDARS } from '../../../rules/business-calendar.js';
import { ESCALATION_CHANNELS, SEGMENTS } from '../../../rules/policy.js';
import type { Choice } from '../../../store/pick-lists.js';
import { currentPolicy, policyChoices, savePolicyVersion } from '../../../app/policy.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import { DICTS, type Dict, type Lang } from '../i18n.js';
import { templateLabelKey } from '../i18n.js';
import { Csrf, Flash, Page, render } from '../layout.js';
import { Card } from '../components.js';
import {
  addOverride, addStep, checkNewStep, MAX_DELAY, policyToForm, readForm, removeOverride, removeStep, sortSteps, WHENS, withCurrentJson,
  type Errors, type Form, type FormError, type ReadOptions,
} from '../policy-form.js';

const KNOWN_TEMPLATES: ReadonlySet<string> = new Set(TEMPLATE_IDS);
/** The order channels are offered in: the escalation from the softest. */
const CHANNEL_ORDER: readonly Channel[] = ['email', 'call', 'letter', 'handoff', 'writeback', 'alert'];

const fill = (text: string, params: Record<string, string> = {}) => text.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? '');
const templateLabel = (t: Dict, id: string) => (templateUse(id) ? t[templateLabelKey(id)] : t.pe_unknownTemplate);
const channelLabel = (t: Dict, ch: string) => (t as Record<string, string>)[`channel_${ch}`] ?? ch;

/** An error in the page's language; template and channel parameters are named, never shown as ids. */
function say(t: Dict, e: FormError): string {
  const params = { ...e.params };
  if (params['template']) params['template'] = templateLabel(t, params['template']);
  if (params['channel']) params['channel'] = channelLabel(t, params['channel']);
  return fill((t as Record<string, string>)[e.key] ?? t.pe_errInvalid, params);
}

/** Templates a policy of this language picks from (its own ladder), by channel. */
const templatesOf = (language: string): TemplateUse[] => TEMPLATE_USES.filter((u) => u.language === (language === 'fr' ? 'fr' : 'en'));

/** Days from the due date of each step row, as the engine counts them (a business day counts as one). */
function offsets(form: Form, count: number): Array<number | null> {
  const out: Array<number | null> = [];
  for (let i = 0; i < count; i++) {
    const days = /^\d+$/.test((form[`s.${i}.days`] ?? '').trim()) ? Number(form[`s.${i}.days`]) : null;
    const when = form[`s.${i}.when`];
    const prev = out.at(-1) ?? null;
    out.push(days === null ? null : when === 'previous' ? (prev === null ? null : prev + days) : when === 'before' ? -days : days);
  }
  return out;
}

interface PageInfo {
  version: number | null;
  saved?: number;
  language: string;
}

async function policyPage(c: UiContext, deps: UiDeps, form: Form, errors: Errors, info: PageInfo) {
  const t = c.get('t');
  const csrf = c.get('session').csrfToken;
  const count = Number(form['stepCount'] ?? 0);
  const v = (k: string) => form[k] ?? '';
  /** An amount as the reader writes it (50,00 in French); both separators are read back. */
  const money = (k: string) => (c.get('lang') === 'fr' ? v(k).replace('.', ',') : v(k));
  const on = (k: string) => form[k] === 'on';
  const has = (...paths: string[]) => (paths.some((p) => errors[p]) ? 'invalid' : '');
  const Err = ({ path }: { path: string }) => (errors[path] ? <div class="err">{say(t, errors[path])}</div> : null);
  const invalid = Object.keys(errors).length > 0;
  const templates = templatesOf(info.language);
  const channels = CHANNEL_ORDER.filter((ch) => templates.some((u) => u.channel === ch));
  const at = offsets(form, count);
  const { customers, invoices } = await policyChoices(deps, tenantOf(c));
  const stepName = (i: number) => v(`s.${i}.name`) || fill(t.pe_stepN, { n: String(i + 1) });
  const dayMark = (n: number) => `${t.pe_dayLetter}${n < 0 ? '−' : '+'}${Math.abs(n)}`;
  // The due date sits before the first step on or after it.
  const dueAt = (() => {
    // A step whose delay is not a number yet shows after the due date, where most steps are.
    const i = at.findIndex((x) => x === null || x >= 0);
    return i < 0 ? count : i;
  })();

  /** The template drop-down of a step (or of the "add" panel): the templates of the policy's language, grouped by channel. */
  const TemplateSelect = ({ id, name, value, channel }: { id: string; name: string; value: string; channel: string }) => {
    const foreign = value && !templates.some((u) => u.id === value);
    return (
      <select id={id} name={name} data-templates="1">
        <option value="" selected={!value}>
          {t.pe_chooseTemplate}
        </option>
        {foreign ? (
          <option value={value} selected>
            {templateLabel(t, value)}
          </option>
        ) : null}
        {channels.map((ch) => (
          <optgroup label={channelLabel(t, ch)} data-channel={ch} hidden={channel !== '' && channel !== ch}>
            {templates
              .filter((u) => u.channel === ch)
              .map((u) => (
                <option value={u.id} selected={value === u.id}>
                  {t[templateLabelKey(u.id)]}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    );
  };
  const ChannelSelect = ({ id, name, value, templateSelect }: { id: string; name: string; value: string; templateSelect: string }) => (
    <select id={id} name={name} data-channel-for={templateSelect}>
      {(channels.includes(value as Channel) || !value ? channels : [...channels, value]).map((ch) => (
        <option value={ch} selected={value === ch}>
          {channelLabel(t, ch)}
        </option>
      ))}
    </select>
  );
  const WhenSelect = ({ id, name, value }: { id: string; name: string; value: string }) => (
    <select id={id} name={name}>
      {WHENS.map((w) => (
        <option value={w} selected={value === w}>
          {t[`pe_when_${w}`]}
        </option>
      ))}
    </select>
  );
  const UnitSelect = ({ id, name, value }: { id: string; name: string; value: string }) => (
    <select id={id} name={name}>
      {(['calendar', 'business'] as const).map((x) => (
        <option value={x} selected={value === x}>
          {t[`unit_${x}`]}
        </option>
      ))}
    </select>
  );
  const DelayInput = ({ id, name, value }: { id: string; name: string; value: string }) => (
    <input id={id} type="number" inputmode="numeric" min="0" max={String(MAX_DELAY)} step="1" name={name} value={value} />
  );
  const stepIds = Array.from({ length: count }, (_, i) => ({ id: v(`s.${i}.id`), name: stepName(i) })).filter((s) => s.id);

  const OverrideRows = ({ prefix, title, targets, choose }: { prefix: 'co' | 'io'; title: string; targets: Choice[]; choose: string }) => {
    const n = Number(form[`${prefix}.count`] ?? 0);
    return (
      <div class="exceptions" data-exceptions={prefix}>
        <h3>{title}</h3>
        {n === 0 ? <p class="muted">{t.pe_noExceptions}</p> : null}
        {Array.from({ length: n }, (_, i) => {
          const k = (x: string) => `${prefix}.${i}.${x}`;
          const target = v(k('target'));
          const known = targets.some((x) => x.externalId === target);
          return (
            <div class="exception" data-row={String(i)}>
              <div class="row">
                <div class={`field ${has(k('target'))}`}>
                  <label for={k('target')}>{prefix === 'co' ? t.pe_customer : t.pe_invoice}</label>
                  <select id={k('target')} name={k('target')}>
                    <option value="" selected={!target}>
                      {choose}
                    </option>
                    {target && !known ? (
                      <option value={target} selected>
                        {t.pe_notSynced}
                      </option>
                    ) : null}
                    {targets.map((x) => (
                      <option value={x.externalId} selected={x.externalId === target}>
                        {x.label}
                      </option>
                    ))}
                  </select>
                  <Err path={k('target')} />
                </div>
                <div class={`field ${has(k('minAmount'))}`}>
                  <label for={k('minAmount')}>{t.minAmount}</label>
                  <input id={k('minAmount')} type="text" inputmode="decimal" name={k('minAmount')} value={money(k('minAmount'))} />
                  <Err path={k('minAmount')} />
                </div>
                <div class={`field ${has(k('delayDays'))}`}>
                  <label for={k('delayDays')}>{t.pe_extraDays}</label>
                  <input id={k('delayDays')} type="number" inputmode="numeric" min="0" max={String(MAX_DELAY)} name={k('delayDays')} value={v(k('delayDays'))} />
                  <Err path={k('delayDays')} />
                </div>
              </div>
              <label class="check">
                <input type="checkbox" id={k('disabled')} name={k('disabled')} checked={on(k('disabled'))} /> {t.pe_neverDun}
              </label>
              <fieldset class="checks">
                <legend>{t.pe_skipSteps}</legend>
                {stepIds.map((s) => (
                  <label class="check">
                    <input type="checkbox" id={k(`skip.${s.id}`)} name={k(`skip.${s.id}`)} checked={on(k(`skip.${s.id}`))} /> {s.name}
                  </label>
                ))}
              </fieldset>
              <button type="submit" name="op" value={`remove-${prefix}:${i}`} class="small danger">
                {t.pe_removeException}
              </button>
            </div>
          );
        })}
        <button type="submit" name="op" value={`add-${prefix}`} class="small secondary">
          + {prefix === 'co' ? t.pe_addCustomerException : t.pe_addInvoiceException}
        </button>
      </div>
    );
  };

  // Said as soon as the timeline shows it, before any save: a letter or hand-off with no reminder before it.
  const unreminded = new Set<number>();
  for (let i = 0, reminded = false; i < count; i++) {
    if (ESCALATION_CHANNELS.has(v(`s.${i}.channel`)) || v(`s.${i}.requiresPrevious`) === 'yes') {
      if (!reminded) unreminded.add(i);
    } else reminded = true;
  }
  const Step = ({ i }: { i: number }) => {
    const k = (n: string) => `s.${i}.${n}`;
    const when = v(k('when'));
    const days = v(k('days'));
    const conditionSet = v(k('minAmount')) || v(k('tags')) || v(k('minDaysPastDue')) || v(k('currencies')) || SEGMENTS.some((s) => on(k(`seg.${s}`)));
    const advancedOnly = v(k('conditionOrig')) !== '' && v(k('minDaysPastDue')) === '' && v(k('currencies')) === '';
    const badge = /^\d+$/.test(days) ? fill(t[`pe_badge${when === 'before' ? 'Before' : when === 'previous' ? 'Previous' : 'After'}`], { n: days }) : '';
    const hasErr = (prefix: string) => Object.keys(errors).some((p) => p.startsWith(prefix));
    return (
      <li class={`tl-step ${hasErr(`s.${i}.`) ? 'has-err' : ''}`} data-step={String(i)}>
        <div class="mark" aria-hidden="true">
          {at[i] === null || at[i] === undefined ? '?' : dayMark(at[i]!)}
        </div>
        <div class="body">
          <input type="hidden" name={k('id')} value={v(k('id'))} />
          <input type="hidden" name={k('conditionOrig')} value={v(k('conditionOrig'))} />
          <div class="head">
            <div>
              <strong>{stepName(i)}</strong>
              <div class="hint">
                {[badge, v(k('unit')) === 'business' ? t.pe_badgeBusiness : '', channelLabel(t, v(k('channel'))), v(k('templateId')) ? templateLabel(t, v(k('templateId'))) : ''].filter(Boolean).join(' · ')}
              </div>
            </div>
          </div>
          <div class={`field ${has(k('name'))}`}>
            <label for={k('name')}>{t.pe_stepName}</label>
            <input id={k('name')} type="text" name={k('name')} value={v(k('name'))} list="step-names" />
          </div>
          <div class="row delay">
            <div class={`field ${has(k('days'))}`}>
              <label for={k('days')}>{t.pe_delay}</label>
              <DelayInput id={k('days')} name={k('days')} value={days} />
              <Err path={k('days')} />
            </div>
            <div class={`field ${has(k('when'))}`}>
              <label for={k('when')}>{t.pe_when}</label>
              <WhenSelect id={k('when')} name={k('when')} value={when} />
              <Err path={k('when')} />
            </div>
            <div class="field">
              <label for={k('unit')}>{t.pe_unit}</label>
              <UnitSelect id={k('unit')} name={k('unit')} value={v(k('unit'))} />
            </div>
          </div>
          <div class="row">
            <div class={`field ${has(k('channel'))}`}>
              <label for={k('channel')}>{t.channel}</label>
              <ChannelSelect id={k('channel')} name={k('channel')} value={v(k('channel'))} templateSelect={k('templateId')} />
              <Err path={k('channel')} />
            </div>
            <div class={`field ${has(k('templateId'))}`}>
              <label for={k('templateId')}>{t.template}</label>
              <TemplateSelect id={k('templateId')} name={k('templateId')} value={v(k('templateId'))} channel={v(k('channel'))} />
              <Err path={k('templateId')} />
            </div>
          </div>
          {unreminded.has(i) && !errors[k('channel')] ? <p class="flash warn">{fill(t.pe_errNoPriorReminder, { step: stepName(i) })}</p> : null}
          <details open={Boolean(conditionSet) || hasErr(`s.${i}.minAmount`) || hasErr(`s.${i}.minDaysPastDue`) || hasErr(`s.${i}.currencies`)}>
            <summary>{t.pe_conditions}</summary>
            <p class="hint">{t.pe_conditionsHint}</p>
            <div class="row">
              <div class={`field ${has(k('minAmount'))}`}>
                <label for={k('minAmount')}>{t.minAmount}</label>
                <input id={k('minAmount')} type="text" inputmode="decimal" name={k('minAmount')} value={money(k('minAmount'))} />
                <div class="hint">{t.pe_stepMinAmountHint}</div>
                <Err path={k('minAmount')} />
              </div>
              <div class={`field ${has(k('minDaysPastDue'))}`}>
                <label for={k('minDaysPastDue')}>{t.pe_minDaysPastDue}</label>
                <input id={k('minDaysPastDue')} type="number" inputmode="numeric" min="0" name={k('minDaysPastDue')} value={v(k('minDaysPastDue'))} />
                <Err path={k('minDaysPastDue')} />
              </div>
              <div class={`field ${has(k('currencies'))}`}>
                <label for={k('currencies')}>{t.pe_currencies}</label>
                <input id={k('currencies')} type="text" name={k('currencies')} value={v(k('currencies'))} />
                <div class="hint">{t.pe_currenciesHint}</div>
                <Err path={k('currencies')} />
              </div>
            </div>
            <div class="row">
              <fieldset class="checks">
                <legend>{t.pe_segments}</legend>
                {SEGMENTS.map((s) => (
                  <label class="check">
                    <input type="checkbox" id={k(`seg.${s}`)} name={k(`seg.${s}`)} checked={on(k(`seg.${s}`))} /> {t[`pe_seg_${s}`]}
                  </label>
                ))}
                <div class="hint">{t.pe_segmentsHint}</div>
              </fieldset>
              <div class="field">
                <label for={k('tags')}>{t.pe_tags}</label>
                <input id={k('tags')} type="text" name={k('tags')} value={v(k('tags'))} />
                <div class="hint">{t.pe_tagsHint}</div>
              </div>
            </div>
            {advancedOnly ? <p class="hint">{t.pe_conditionAdvancedActive}</p> : null}
          </details>
          <details open={hasErr(`s.${i}.graceDays`) || hasErr(`s.${i}.deadlineDays`)}>
            <summary>{t.pe_more}</summary>
            <div class="row">
              <div class={`field ${has(k('deadlineDays'))}`}>
                <label for={k('deadlineDays')}>{t.deadlineDays}</label>
                <input id={k('deadlineDays')} type="number" inputmode="numeric" min="1" max={String(MAX_DELAY)} name={k('deadlineDays')} value={v(k('deadlineDays'))} />
                <Err path={k('deadlineDays')} />
              </div>
              <div class={`field ${has(k('graceDays'))}`}>
                <label for={k('graceDays')}>{t.pe_graceDays}</label>
                <input id={k('graceDays')} type="number" inputmode="numeric" min="0" max={String(MAX_DELAY)} name={k('graceDays')} value={v(k('graceDays'))} />
                <Err path={k('graceDays')} />
              </div>
              <div class="field">
                <label for={k('requiresPrevious')}>{t.requiresPrevious}</label>
                <select id={k('requiresPrevious')} name={k('requiresPrevious')}>
                  {(['', 'yes', 'no'] as const).map((x) => (
                    <option value={x} selected={v(k('requiresPrevious')) === x}>
                      {x === '' ? t.rp_default : x === 'yes' ? t.rp_yes : t.rp_no}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <label class="check">
              <input type="checkbox" id={k('includePenalties')} name={k('includePenalties')} checked={on(k('includePenalties'))} /> {t.includePenalties}
            </label>
            <label class="check">
              <input type="checkbox" id={k('forInstalments')} name={k('forInstalments')} checked={on(k('forInstalments'))} /> {t.pe_forInstalments}
            </label>
          </details>
          <details class="advanced" open={hasErr(`s.${i}.condition`)}>
            <summary>{t.pe_advanced}</summary>
            <div class={`field ${has(k('condition'))}`}>
              <label for={k('condition')}>{t.pe_conditionRaw}</label>
              <input id={k('condition')} type="text" name={k('condition')} value={v(k('condition'))} class="mono" />
              <div class="hint">{t.pe_conditionRawHint}</div>
              <Err path={k('condition')} />
            </div>
          </details>
          <div class="foot">
            <button type="submit" name="op" value={`remove:${i}`} class="small danger" data-confirm={fill(t.pe_deleteConfirm, { step: stepName(i) })}>
              {t.pe_delete}
            </button>
          </div>
        </div>
      </li>
    );
  };

  const numberField = (id: string, name: string, label: string, min: number, max: number) => (
    <div class={`field ${has(name)}`}>
      <label for={id}>{label}</label>
      <input id={id} type="number" inputmode="numeric" min={String(min)} max={String(max)} name={name} value={v(name)} />
      <Err path={name} />
    </div>
  );
  const messages = [...new Set(Object.values(errors).map((e) => say(t, e)))];

  return render(
    c,
    <Page
      c={c}
      title={t.policy}
      active="policy"
      tenants={await visibleTenants(c, deps)}
      subtitle={info.version ? `${t.version} ${info.version}` : t.usingDefault}
      actions={
        <button type="submit" form="policy-form" name="op" value="save">
          {t.save}
        </button>
      }
    >
      {info.saved ? <Flash tone="ok">{`${t.policySaved} ${info.saved}.`}</Flash> : null}
      {invalid ? (
        <Flash tone="bad">
          {t.policyInvalid}
          <ul class="errs">
            {messages.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
        </Flash>
      ) : null}
      <form method="post" action="/policy" novalidate class="policy" id="policy-form">
        {/* First in the form, so that Enter in a field saves (never deletes a step). */}
        <button type="submit" name="op" value="save" class="default-submit" tabindex={-1} aria-hidden="true">
          {t.save}
        </button>
        <Csrf token={csrf} />
        <input type="hidden" name="stepCount" value={String(count)} />
        <input type="hidden" name="co.count" value={v('co.count') || '0'} />
        <input type="hidden" name="io.count" value={v('io.count') || '0'} />
        <input type="hidden" name="jsonOrig" value={v('jsonOrig')} />
        <Card title={t.pe_general}>
          <div class="row">
            <div class={`field ${has('name')}`}>
              <label for="p-name">{t.policyName}</label>
              <input id="p-name" type="text" name="name" value={v('name')} />
            </div>
            <div class="field">
              <label for="p-cal">{t.calendar}</label>
              <select id="p-cal" name="calendar">
                {CALENDARS.map((x) => (
                  <option value={x} selected={v('calendar') === x}>
                    {t[`pe_cal_${x}`]}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="p-group">{t.pe_groupBy}</label>
              <select id="p-group" name="groupBy">
                {(['customer_currency', 'invoice'] as const).map((x) => (
                  <option value={x} selected={v('groupBy') === x}>
                    {t[`group_${x}`]}
                  </option>
                ))}
              </select>
              <div class="hint">{t.pe_groupByHint}</div>
            </div>
            <div class={`field ${has('minAmount')}`}>
              <label for="p-min">{t.minAmount}</label>
              <input id="p-min" type="text" inputmode="decimal" name="minAmount" value={money('minAmount')} />
              <div class="hint">{t.pe_minAmountHint}</div>
              <Err path="minAmount" />
            </div>
          </div>
          <div class="row">
            <div class={`field ${has('catchUp')}`}>
              <label for="p-catchup">{t.catchUp}</label>
              <select id="p-catchup" name="catchUp">
                <option value="" selected={v('catchUp') === ''}>
                  {t.catchUpNone}
                </option>
                {stepIds.map((s) => (
                  <option value={s.id} selected={v('catchUp') === s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              <div class="hint">{t.catchUpHint}</div>
              <Err path="catchUp" />
            </div>
            {numberField('p-cap', 'dailyCap', t.dailyCap, 1, 100_000)}
            {numberField('p-quiet', 'quietDays', t.quietDays, 0, MAX_DELAY)}
            {numberField('p-promise', 'promiseMaxDays', t.promiseMaxDays, 1, MAX_DELAY)}
            {numberField('p-ptp', 'paymentTransmittedPauseDays', t.pauseAfterTransmitted, 0, MAX_DELAY)}
            {numberField('p-reply', 'replyPauseDays', t.replyPauseDays, 0, MAX_DELAY)}
          </div>
        </Card>
        <h2>{t.pe_timeline}</h2>
        <p class="hint">{t.pe_timelineHint}</p>
        <Err path="steps" />
        <ol class="timeline">
          {Array.from({ length: count + 1 }, (_, i) => [
            i === dueAt ? (
              <li class="due" data-due="1">
                <div class="mark">{t.pe_dayLetter}</div>
                <div class="body">
                  <strong>{t.pe_dueDate}</strong>
                </div>
              </li>
            ) : null,
            i < count ? <Step i={i} /> : null,
          ])}
        </ol>
        <div class="card add-step" id="add-step">
          <h2>+ {t.addStep}</h2>
          <p class="hint">{t.pe_addHint}</p>
          <div class="field">
            <label for="new.name">{t.pe_stepName}</label>
            <input id="new.name" type="text" name="new.name" value={v('new.name')} list="step-names" />
          </div>
          <div class="row delay">
            <div class={`field ${has('new.days')}`}>
              <label for="new.days">{t.pe_delay}</label>
              <DelayInput id="new.days" name="new.days" value={v('new.days')} />
              <Err path="new.days" />
            </div>
            <div class="field">
              <label for="new.when">{t.pe_when}</label>
              <WhenSelect id="new.when" name="new.when" value={v('new.when') || 'after'} />
            </div>
            <div class="field">
              <label for="new.unit">{t.pe_unit}</label>
              <UnitSelect id="new.unit" name="new.unit" value={v('new.unit')} />
            </div>
          </div>
          <div class="row">
            <div class="field">
              <label for="new.channel">{t.channel}</label>
              <ChannelSelect id="new.channel" name="new.channel" value={v('new.channel') || 'email'} templateSelect="new.templateId" />
            </div>
            <div class="field">
              <label for="new.templateId">{t.template}</label>
              <TemplateSelect id="new.templateId" name="new.templateId" value={v('new.templateId')} channel={v('new.channel') || 'email'} />
            </div>
          </div>
          <button type="submit" name="op" value="add" class="secondary">
            + {t.pe_add}
          </button>
        </div>
        <datalist id="step-names">
          {[...new Set([...t.pe_nameSuggestions.split('|'), ...templates.map((u) => t[templateLabelKey(u.id)])])].map((n) => (
            <option value={n} />
          ))}
        </datalist>
        <Card title={t.pe_exceptions}>
          <p class="hint">{t.pe_exceptionsHint}</p>
          <OverrideRows prefix="co" title={t.pe_customerExceptions} targets={customers} choose={t.pe_chooseCustomer} />
          <OverrideRows prefix="io" title={t.pe_invoiceExceptions} targets={invoices} choose={t.pe_chooseInvoice} />
        </Card>
        <details class="card advanced" open={Boolean(errors['json'])}>
          <summary>{t.pe_advanced}</summary>
          <div class={`field ${has('json')}`}>
            <label for="p-json">{t.pe_json}</label>
            <textarea id="p-json" name="json" rows={16}>
              {v('json')}
            </textarea>
            <div class="hint">{t.pe_jsonHint}</div>
            <Err path="json" />
          </div>
          <button type="submit" name="op" value="json" class="secondary small">
            {t.pe_applyJson}
          </button>
        </details>
        <div class="actions save-bar">
          <button type="submit" name="op" value="save">
            {t.save}
          </button>
        </div>
      </form>
    </Page>,
    invalid ? 422 : 200,
  );
}

/** What the editor needs to read a form: the templates that exist, and how a step without a name is called. */
const readOptions = (t: Dict): ReadOptions => ({ templates: KNOWN_TEMPLATES, stepLabel: (i) => fill(t.pe_stepN, { n: String(i + 1) }) });

export function policyRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get('/policy', async (c) => {
    const tenant = tenantOf(c);
    const { version, policy } = await currentPolicy(deps, tenant);
    return policyPage(c, deps, policyToForm(policy), {}, { version, language: policy.language });
  });

  app.post('/policy', async (c) => {
    const tenant = tenantOf(c);
    const t = c.get('t');
    const { version: storedVersion, policy: current } = await currentPolicy(deps, tenant);
    const body = await c.req.parseBody();
    const form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const op = form['op'] ?? 'save';
    delete form['op'];
    delete form['_csrf'];
    const info: PageInfo = { version: storedVersion, language: current.language };
    // After an edit the JSON box shows the policy the form now describes.
    const show = (f: Form, errors: Errors = {}) => policyPage(c, deps, Object.keys(errors).length ? f : withCurrentJson(f, current, readOptions(t)), errors, info);
    // Editing operations only change the form shown; nothing is saved until "Save".
    if (op === 'add') {
      const errors = checkNewStep(form);
      if (Object.keys(errors).length) return show(sortSteps(form), errors);
      const lang: Lang = current.language === 'fr' ? 'fr' : 'en';
      return show(addStep(form, (use) => DICTS[lang][templateLabelKey(use.id)]));
    }
    const removing = /^remove(?:-(co|io))?:(\d+)$/.exec(op);
    if (removing) {
      const index = Number(removing[2]);
      return show(removing[1] ? removeOverride(form, removing[1] as 'co' | 'io', index) : removeStep(form, index));
    }
    if (op === 'add-co' || op === 'add-io') return show(addOverride(form, op === 'add-co' ? 'co' : 'io'));
    if (op === 'json') {
      // Loads the JSON into the form (validated like a save), without saving it.
      const read = readForm({ ...form, jsonOrig: `${form['jsonOrig'] ?? ''}\u0000` }, current, readOptions(t));
      return show(read.form, read.errors);
    }
    const read = readForm(form, current, readOptions(t));
    if (!read.policy) return show(read.form, read.errors);
    const version = await savePolicyVersion(deps, tenant, current.id, read.policy);
    return policyPage(c, deps, read.form, {}, { ...info, version, saved: version });
  });
}
