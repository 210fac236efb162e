/** @jsxImportSource hono/jsx */
// Company profile: the identity every letter and email footer prints (validated, FR/EN), and the logo, stored in the database and served to its own tenant only.
import type { Hono } from 'hono';
import { profileGaps, gapWords, profileToCompany } from '../../../actions/letterhead.js';
import { CompanyProfileData, FR_LEGAL_FORMS, formatIban, PROFILE_COUNTRIES, UK_LEGAL_FORMS, UK_REGISTRIES } from '../../../model/index.js';
import type { StoredProfile } from '../../../store/company-profiles.js';
import { checkLogo, companyLogo, companyProfile, saveProfile, setLogo } from '../../../app/company.js';
import { COMPANY_TEXT, issueText, type CompanyText } from '../company-text.js';
import { tenantOf, visibleTenants, type UiContext, type UiDeps, type UiEnv } from '../context.js';
import type { Lang } from '../i18n.js';
import { Csrf, Flash, Page, render } from '../layout.js';
import { Card } from '../components.js';

export const PROFILE_PATH = '/settings/company';
/** Columns at least 220 px wide: two or three side by side on a desktop, one under the other on a phone (IBANs stay readable). */
const WIDE_ROW = 'grid-template-columns:repeat(auto-fit,minmax(220px,1fr))';
export const LOGO_PATH = '/settings/company/logo';

/** What the form shows: strings as typed (a rejected form comes back exactly as the user left it). */
type Values = Record<keyof CompanyProfileData, string>;
const FIELDS = Object.keys(CompanyProfileData.shape) as (keyof CompanyProfileData)[];

function valuesOf(data: CompanyProfileData | null, tenantName: string): Values {
  const v = Object.fromEntries(FIELDS.map((k) => [k, ''])) as Values;
  if (!data) return { ...v, country: 'FR', legalName: tenantName };
  for (const k of FIELDS) v[k] = data[k] === null || data[k] === undefined ? '' : String(data[k]);
  // Shown in groups of four, as on a bank statement (stored without spaces).
  if (data.iban) v.iban = formatIban(data.iban);
  return v;
}

interface View {
  values: Values;
  errors: Record<string, string>;
  stored: StoredProfile | null;
  flash: { tone: 'ok' | 'bad' | 'info'; text: string } | null;
  logoError?: string | null;
}

function Field(props: { name: keyof CompanyProfileData; label: string; hint?: string; v: View; type?: string; inputmode?: "decimal" | "numeric" | "tel"; autocomplete?: string; list?: string }) {
  const { name, v } = props;
  const err = v.errors[name];
  return (
    <div class={`field${err ? ' invalid' : ''}`}>
      <label for={`cp-${name}`}>{props.label}</label>
      <input
        id={`cp-${name}`}
        name={name}
        type={props.type ?? 'text'}
        value={v.values[name]}
        inputmode={props.inputmode}
        autocomplete={props.autocomplete ?? 'off'}
        list={props.list}
        aria-invalid={err ? 'true' : undefined}
        aria-describedby={err ? `cp-${name}-err` : undefined}
      />
      {err ? (
        <div class="err" id={`cp-${name}-err`}>
          {err}
        </div>
      ) : props.hint ? (
        <div class="hint">{props.hint}</div>
      ) : null}
    </div>
  );
}

async function profilePage(c: UiContext, deps: UiDeps, v: View, status: 200 | 400 | 422 = 200): Promise<Response> {
  const lang = c.get('lang');
  const p = COMPANY_TEXT[lang];
  const csrf = c.get('session').csrfToken;
  const parsed = v.stored?.data ?? null;
  // What the saved profile still lacks for letters; not shown over a rejected form (it speaks of the saved values).
  const gaps = parsed && Object.keys(v.errors).length === 0 ? profileGaps(profileToCompany(parsed)) : null;
  const select = (name: keyof CompanyProfileData, options: readonly string[], label: (o: string) => string) => (
    <div class={`field${v.errors[name] ? ' invalid' : ''}`}>
      <label for={`cp-${name}`}>{p[name as keyof CompanyText]}</label>
      <select id={`cp-${name}`} name={name}>
        {options.map((o) => (
          <option value={o} selected={v.values[name] === o}>
            {label(o)}
          </option>
        ))}
      </select>
      {v.errors[name] ? <div class="err">{v.errors[name]}</div> : null}
    </div>
  );
  return render(
    c,
    <Page c={c} title={p.title} active="companyProfile" tenants={await visibleTenants(c, deps)} subtitle={p.hint}>
      {v.flash ? <Flash tone={v.flash.tone}>{v.flash.text}</Flash> : null}
      {gaps ? (
        <div class={`flash ${gaps.length ? 'warn' : 'ok'}`} data-profile={gaps.length ? 'incomplete' : 'complete'} role="status">
          {gaps.length ? `${p.incomplete} ${gapWords(gaps, lang)}.` : p.complete}
        </div>
      ) : null}
      <form method="post" action={PROFILE_PATH} id="company-profile" novalidate>
        <Csrf token={csrf} />
        <Card title={p.identity}>
          <div class="row" style={WIDE_ROW}>
            {select('country', PROFILE_COUNTRIES, (o) => p[`country_${o}` as keyof CompanyText])}
            <Field name="legalName" label={p.legalName} v={v} autocomplete="organization" />
          </div>
          <div class="row" style={WIDE_ROW}>
            <Field name="legalForm" label={p.legalForm} hint={p.legalFormHint} v={v} list="cp-forms" />
            <Field name="shareCapital" label={p.shareCapital} hint={p.shareCapitalHint} v={v} inputmode="decimal" />
          </div>
          <datalist id="cp-forms">
            {[...FR_LEGAL_FORMS, ...UK_LEGAL_FORMS].map((f) => (
              <option value={f} />
            ))}
          </datalist>
        </Card>
        <Card title={p.registration}>
          <h3 class="muted">{p.franceOnly}</h3>
          <div class="row" style={WIDE_ROW}>
            <Field name="siren" label={p.siren} hint={p.sirenHint} v={v} inputmode="numeric" />
            <Field name="siret" label={p.siret} hint={p.siretHint} v={v} inputmode="numeric" />
            <Field name="rcsCity" label={p.rcsCity} hint={p.rcsCityHint} v={v} />
          </div>
          <h3 class="muted">{p.ukOnly}</h3>
          <div class="row" style={WIDE_ROW}>
            <Field name="companyNumber" label={p.companyNumber} hint={p.companyNumberHint} v={v} />
            {select('registeredIn', ['', ...UK_REGISTRIES], (o) => p[`registeredIn_${o}` as keyof CompanyText])}
          </div>
          <Field name="vatNumber" label={p.vatNumber} hint={p.vatNumberHint} v={v} />
        </Card>
        <Card title={p.address}>
          <Field name="addressLine1" label={p.addressLine1} v={v} autocomplete="address-line1" />
          <Field name="addressLine2" label={p.addressLine2} v={v} autocomplete="address-line2" />
          <div class="row" style={WIDE_ROW}>
            <Field name="postalCode" label={p.postalCode} v={v} autocomplete="postal-code" />
            <Field name="city" label={p.city} v={v} autocomplete="address-level2" />
            <Field name="addressCountry" label={p.addressCountry} v={v} autocomplete="country-name" />
          </div>
        </Card>
        <Card title={p.contact}>
          <div class="row" style={WIDE_ROW}>
            <Field name="contactName" label={p.contactName} v={v} autocomplete="name" />
            <Field name="contactEmail" label={p.contactEmail} v={v} type="email" autocomplete="email" />
            <Field name="contactPhone" label={p.contactPhone} v={v} inputmode="tel" autocomplete="tel" />
          </div>
        </Card>
        <Card title={p.bank}>
          <div class="row" style={WIDE_ROW}>
            <Field name="iban" label={p.iban} v={v} />
            <Field name="bic" label={p.bic} v={v} />
          </div>
          <div class="row" style={WIDE_ROW}>
            <Field name="paymentLink" label={p.paymentLink} hint={p.paymentLinkHint} v={v} type="url" inputmode={undefined} />
          </div>
          <div class="actions">
            <button type="submit">{p.save}</button>
          </div>
        </Card>
      </form>
      <Card title={p.logo} id="company-logo">
        {v.logoError ? <Flash tone="bad">{v.logoError}</Flash> : null}
        {v.stored?.logo ? <img src={`${LOGO_PATH}?v=${v.stored.updatedAt.getTime()}`} alt={p.logo} style="max-width:220px;max-height:80px;display:block;margin-bottom:10px" /> : <p class="muted">{v.stored ? p.logoNone : p.logoNeedsProfile}</p>}
        {v.stored ? (
          <>
            <form method="post" action={LOGO_PATH} enctype="multipart/form-data" class="actions">
              <Csrf token={csrf} />
              <input type="file" name="logo" accept="image/png,image/jpeg" aria-label={p.logo} style="max-width:100%" />
              <button type="submit" class="secondary">
                {p.logoUpload}
              </button>
            </form>
            <div class="hint">{p.logoHint}</div>
            {v.stored.logo ? (
              <form method="post" action={`${LOGO_PATH}/delete`} style="margin-top:10px">
                <Csrf token={csrf} />
                <button type="submit" class="danger small">
                  {p.logoRemove}
                </button>
              </form>
            ) : null}
          </>
        ) : null}
      </Card>
    </Page>,
    status,
  );
}

/** Field → message in the page's language, from the schema's issue codes. */
function errorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[], lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '_';
    out[key] ??= issueText(i.message, lang);
  }
  return out;
}

/** Reads the upload and checks it (src/app/company.ts); a string is the problem's code. */
async function readLogo(c: UiContext) {
  const body = await c.req.parseBody();
  return checkLogo(body['logo']);
}

export function companyRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  app.get(PROFILE_PATH, async (c) => {
    const tenant = tenantOf(c);
    const stored = await companyProfile(deps, tenant);
    const p = COMPANY_TEXT[c.get('lang')];
    return profilePage(c, deps, { values: valuesOf(stored?.data ?? null, tenant.name), errors: {}, stored, flash: stored ? null : { tone: 'info', text: p.prefilled } });
  });

  app.post(PROFILE_PATH, async (c) => {
    const tenant = tenantOf(c);
    const lang = c.get('lang');
    const p = COMPANY_TEXT[lang];
    const body = await c.req.parseBody();
    const typed = Object.fromEntries(FIELDS.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : ''])) as Values;
    // An empty select means "not given" for the optional UK registry.
    const input: Record<string, unknown> = { ...typed, registeredIn: typed.registeredIn || null };
    const saved = await saveProfile(deps, tenant, input, c.get('session').email);
    if (!saved.ok) {
      return profilePage(c, deps, { values: typed, errors: errorsOf(saved.issues, lang), stored: saved.stored, flash: { tone: 'bad', text: p.invalid } }, 422);
    }
    return profilePage(c, deps, { values: valuesOf(saved.data, tenant.name), errors: {}, stored: saved.stored, flash: { tone: 'ok', text: p.saved } });
  });

  app.post(LOGO_PATH, async (c) => {
    const tenant = tenantOf(c);
    const lang = c.get('lang');
    const p = COMPANY_TEXT[lang];
    const stored = await companyProfile(deps, tenant);
    const values = valuesOf(stored?.data ?? null, tenant.name);
    if (!stored) return profilePage(c, deps, { values, errors: {}, stored, flash: null, logoError: p.logoNeedsProfile }, 422);
    const logo = await readLogo(c);
    if (typeof logo === 'string') return profilePage(c, deps, { values, errors: {}, stored, flash: null, logoError: issueText(logo, lang) }, 422);
    return profilePage(c, deps, { values, errors: {}, stored: await setLogo(deps, tenant, logo, c.get('session').email), flash: { tone: 'ok', text: p.logoSaved } });
  });

  app.post(`${LOGO_PATH}/delete`, async (c) => {
    const tenant = tenantOf(c);
    const p = COMPANY_TEXT[c.get('lang')];
    const stored = await setLogo(deps, tenant, null, c.get('session').email);
    return profilePage(c, deps, { values: valuesOf(stored?.data ?? null, tenant.name), errors: {}, stored, flash: { tone: 'ok', text: p.logoRemoved } });
  });

  // The current tenant's logo only: the session picks the tenant, nothing in the URL does.
  app.get(LOGO_PATH, async (c) => {
    const logo = await companyLogo(deps, tenantOf(c));
    if (!logo) return c.notFound();
    return c.body(new Uint8Array(logo.bytes), 200, { 'content-type': logo.type, 'cache-control': 'private, no-store', 'content-disposition': 'inline' });
  });
}

/** The 413 answer for an upload over the size limit, before its body is read. */
export function logoTooLarge(c: UiContext): Response {
  return c.text(COMPANY_TEXT[c.get('lang') ?? 'en'].logo_size, 413);
}
