/** @jsxImportSource hono/jsx */
// Dashboard: receivables, DSO (count-back and simple), CEI, delinquency, collection and on-time rates, aging and DSO trend charts.
import type { Hono } from 'hono';
import { raw } from 'hono/html';
import { agingChart, dsoTrendChart, monthLabel, type Figure } from '../../../kpi/index.js';
import { tenantOf, type UiContext, type UiDeps, type UiEnv, visibleTenants } from '../context.js';
import type { Tenant } from '../../../store/tenants.js';
import { dashboard, type Dashboard } from '../../../app/dashboard.js';
import { formatMoney, localeOf, type Dict, type Lang } from '../i18n.js';
import { Page, render } from '../layout.js';
import { Empty } from '../components.js';
import type { MissingRate } from '../../../rates/staleness.js';
import type { RateKind } from '../../../rates/publishers.js';
import { SendingBanner } from './sending.js';
import { UnderProceedingsCard } from './insolvency.js';

/** "2026-H2" in the reader's words: "2e semestre 2026", "second half of 2026". */
const halfYear = (period: string, t: Dict): string => {
  const m = /^(\d{4})-H([12])$/.exec(period);
  return m ? `${m[2] === '1' ? t.halfYear1 : t.halfYear2} ${m[1]}` : period;
};

/**
 * Tells a stale reference rate apart from known ones, for the rates the tenant's policy reads: a banner while its
 * penalties wait, a quiet line otherwise, nothing when its policy states no penalties.
 */
const RatesBanner = ({ rates: { used, missing }, t }: { rates: { used: RateKind[]; missing: MissingRate[] }; t: Dict }) =>
  used.length === 0 ? null : missing.length ? (
    <div class="flash bad" data-rates="stale" role="alert">
      <strong>{t.ratesStale}</strong> — {t.ratesStaleBody} {missing.map((m) => `${t[`rate_${m.kind}`]} (${halfYear(m.period, t)})`).join(', ')}
    </div>
  ) : (
    <p class="hint" data-rates="current">
      {t.ratesCurrent}
    </p>
  );

const Kpi = ({ label, value, hint }: { label: string; value: string; hint?: string }) => (
  <div class="kpi" title={hint}>
    <div class="label">{label}</div>
    <div class="value">{value}</div>
  </div>
);

/** A decimal string in the reader's notation ("83,0" in French), exact: Intl formats decimal strings without a float. */
const decimal = (v: string, places: number, lang: Lang) =>
  new Intl.NumberFormat(localeOf(lang), { minimumFractionDigits: places, maximumFractionDigits: places }).format(v as Intl.StringNumericLiteral);
const days = (f: Figure, t: Dict, lang: Lang) => (f.value === null ? '—' : `${decimal(f.value, 1, lang)} ${t.days}`);
const pct = (v: string | null, lang: Lang) => (v === null ? '—' : `${decimal(v, 2, lang)} %`);

/** The dashboard as read by src/app/dashboard.ts, in the reader's language. */
const DashboardView = ({ c, deps, d, tenants }: { c: UiContext; deps: UiDeps; d: Dashboard; tenants: Tenant[] }) => {
  const t = c.get('t');
  const lang = c.get('lang');
  const tenant = tenantOf(c);
  const banner = <SendingBanner off={d.sendingOff} deps={deps} t={t} csrf={c.get('session').csrfToken} back="/dashboard" withSwitch={false} />;
  const f = d.figures;
  if (!f.currency) {
    return (
      <Page c={c} title={t.dashboard} active="dashboard" tenants={tenants}>
        {banner}
        <RatesBanner rates={d.rates} t={t} />
        <div class="card">
          <Empty>{t.noData}</Empty>
          <a class="button" href="/connections">
            {t.connections}
          </a>
        </div>
      </Page>
    );
  }
  const { currencies, currency, asOf, kpis, trend } = f;
  const locale = localeOf(lang);
  // The charts are SVG strings built by src/kpi/charts.ts, which escapes every text it draws.
  const labels = { current: t.notDueYet, daysUnit: lang === 'fr' ? 'j' : 'd', agingDesc: t.chart_agingDesc, bucketTip: t.chart_bucketTip, dsoDesc: t.chart_dsoDesc, notAvailable: t.chart_notAvailable, noData: t.chart_noData, pointTip: t.chart_pointTip, noSales: t.chart_noSales };
  const aging = agingChart(kpis.aging, currency, { id: 'aging', title: t.aging, locale, labels });
  const dso = dsoTrendChart(
    trend.map((p) => ({ label: monthLabel(p.month, locale), value: p.dso })),
    { id: 'dso', title: t.dsoTrend, locale, labels },
  );
  return (
    <Page
      c={c}
      title={t.dashboard}
      active="dashboard"
      tenants={tenants}
      subtitle={`${tenant.name} · ${asOf} · ${currency}`}
      actions={
        currencies.length > 1 ? (
          <nav class="actions">
            {currencies.map((x) => (
              <a class={x === currency ? 'badge info' : 'badge'} href={`/dashboard?currency=${x}`}>
                {x}
              </a>
            ))}
          </nav>
        ) : null
      }
    >
      {banner}
      <RatesBanner rates={d.rates} t={t} />
      <UnderProceedingsCard rows={d.underProceedings} today={asOf} t={t} lang={lang} />
      <div class="grid">
        <Kpi label={t.receivables} value={formatMoney(kpis.receivables.total, currency, lang)} />
        <Kpi label={t.pastDue} value={formatMoney(kpis.receivables.pastDue, currency, lang)} />
        <Kpi label={t.dsoCountBack} value={days(kpis.dsoCountBack, t, lang)} hint={t.kpi_dsoCountBack} />
        <Kpi label={t.dsoSimple} value={days(kpis.dsoSimple, t, lang)} hint={t.kpi_dsoSimple} />
        <Kpi label={t.bpdso} value={days(kpis.bestPossibleDso, t, lang)} hint={t.kpi_bpdso} />
        <Kpi label={t.add} value={days(kpis.averageDaysDelinquent, t, lang)} hint={t.kpi_add} />
        <Kpi label={t.cei} value={pct(kpis.cei.value, lang)} hint={t.kpi_cei} />
        <Kpi label={t.collectionRate} value={pct(kpis.collectionRate.value, lang)} hint={t.kpi_collectionRate} />
        <Kpi label={t.paidOnTime} value={pct(kpis.paidOnTime.byCount, lang)} hint={t.kpi_paidOnTime} />
        <Kpi label={t.promiseKept} value={pct(kpis.promiseKept.rate, lang)} hint={t.kpi_promiseKept} />
      </div>
      <div class="two">
        <div class="card chart" data-chart="aging">
          {raw(aging)}
        </div>
        <div class="card chart" data-chart="dso">
          {raw(dso)}
        </div>
      </div>
      <p class="hint">{t.currencyNote}</p>
    </Page>
  );
};

export function dashboardRoutes(app: Hono<UiEnv>, deps: UiDeps): void {
  // Loader (the use case), then the view.
  app.get('/dashboard', async (c) => {
    const [d, tenants] = await Promise.all([dashboard(deps, tenantOf(c), c.req.query('currency')), visibleTenants(c, deps)]);
    return render(c, <DashboardView c={c} deps={deps} d={d} tenants={tenants} />);
  });
}
