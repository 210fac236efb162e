// Server-rendered SVG charts for the dashboard (aging bars, DSO trend): accessible, escaped, fluid from phone to desktop.
//
// A 400-unit-wide viewBox drawn at width 100% (capped at 720 px) keeps 13-unit text at about 12.7 px on a
// 390 px phone and about 23 px at the cap on a wide screen; bars are horizontal so long amounts never
// collide on a narrow screen. Every text node, attribute and id goes through `escapeXml`.
import type { Aging } from './formulas.js';

const WIDTH = 400;
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
const INK = '#1f2937';
const MUTED = '#4b5563';
const GRID = '#d1d5db';
/** Current → 90+: green to red, each dark enough for white-background contrast on its bar edge. */
const BUCKET_COLOURS = ['#15803d', '#ca8a04', '#ea580c', '#dc2626', '#991b1b'];

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface ChartOptions {
  /** Unique per page: prefixes the ids that title/desc are referenced by. */
  id?: string;
  title?: string;
  /** BCP 47 locale for numbers and month names (default 'en'). */
  locale?: string;
  /** Words drawn in the chart, in the reader's language (defaults are English); `{x}` placeholders are filled. */
  labels?: Partial<ChartWords>;
}

export interface ChartWords {
  current: string;
  daysUnit: string;
  /** The aging chart's description: `{total}`, `{count}`, then the buckets follow. */
  agingDesc: string;
  /** One bucket's tooltip: `{label}`, `{amount}`, `{count}`. */
  bucketTip: string;
  /** The DSO chart's description, the months follow. */
  dsoDesc: string;
  notAvailable: string;
  noData: string;
  /** One month's tooltip: `{label}`, `{value}`. */
  pointTip: string;
  noSales: string;
}

const ENGLISH_WORDS: ChartWords = {
  current: 'Current',
  daysUnit: 'd',
  agingDesc: 'Open receivables {total} in {count} item(s), by days past due: ',
  bucketTip: '{label}: {amount}, {count} item(s)',
  dsoDesc: 'DSO in days by month: ',
  notAvailable: 'not available (no sales)',
  noData: 'No data.',
  pointTip: '{label}: {value} days',
  noSales: 'No sales in the period: DSO not available',
};

const words = (options: ChartOptions): ChartWords => ({ ...ENGLISH_WORDS, ...options.labels });
const fillIn = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_m, k: string) => String(values[k] ?? ''));

function formatMoney(amount: string, currency: string, locale: string): string {
  // Intl formats a decimal string exactly (no float round trip) on Node ≥ 19.
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as Intl.StringNumericLiteral);
}

function percent(share: string, locale: string): string {
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(share as Intl.StringNumericLiteral)} %`;
}

function svgOpen(id: string, height: number, title: string, desc: string): string {
  const i = escapeXml(id);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" style="max-width:720px;height:auto" ` +
    `role="img" aria-labelledby="${i}-title ${i}-desc" font-family="${FONT}">` +
    `<title id="${i}-title">${escapeXml(title)}</title><desc id="${i}-desc">${escapeXml(desc)}</desc>`
  );
}

/** Horizontal aging bars, one row per bucket: label and amount (share) above a bar scaled to the largest bucket. */
export function agingChart(aging: Aging, currency: string, options: ChartOptions = {}): string {
  const locale = options.locale ?? 'en';
  const title = options.title ?? `Receivables aging at ${aging.asOf}`;
  const money = (a: string) => formatMoney(a, currency, locale);
  const said = words(options);
  const desc =
    fillIn(said.agingDesc, { total: money(aging.total), count: aging.count }) +
    aging.buckets.map((b) => `${b.key === 'current' ? said.current : b.label}${locale.startsWith('fr') ? ' ' : ''}: ${money(b.amount)}${b.share === null ? '' : ` (${percent(b.share, locale)})`}`).join('; ') +
    '.';
  const rowH = 44;
  const top = 36;
  const height = top + aging.buckets.length * rowH + 8;
  const max = aging.buckets.reduce((m, b) => Math.max(m, Math.abs(Number(b.amount))), 0);
  const barMax = WIDTH - 16;
  const parts = [svgOpen(options.id ?? 'aging', height, title, desc)];
  parts.push(`<text x="8" y="22" font-size="15" font-weight="600" fill="${INK}">${escapeXml(title)}</text>`);
  aging.buckets.forEach((b, i) => {
    const y = top + i * rowH;
    // Display only: the bar length is a picture of the exact amount printed beside it.
    const w = max > 0 ? Math.max(Number(b.amount) > 0 ? 2 : 0, (Math.abs(Number(b.amount)) / max) * barMax) : 0;
    const share = b.share === null ? '' : ` · ${percent(b.share, locale)}`;
    const label = b.key === 'current' ? said.current : b.label;
    parts.push(
      `<g><text x="8" y="${y + 14}" font-size="13" fill="${INK}">${escapeXml(label)}</text>` +
        `<text x="${WIDTH - 8}" y="${y + 14}" font-size="13" fill="${MUTED}" text-anchor="end">${escapeXml(money(b.amount) + share)}</text>` +
        `<rect x="8" y="${y + 20}" width="${w.toFixed(1)}" height="16" rx="2" fill="${BUCKET_COLOURS[Math.min(i, BUCKET_COLOURS.length - 1)]}">` +
        `<title>${escapeXml(fillIn(said.bucketTip, { label, amount: money(b.amount), count: b.count }))}</title></rect></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface ChartPoint {
  label: string;
  /** Days as a decimal string, or null (no sales: no DSO) — drawn as a gap. */
  value: string | null;
}

/** "2026-03" → "Mar 26" (or the locale's short month). */
export function monthLabel(month: string, locale = 'en'): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  return new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(d);
}

/** A round tick step (1, 2, 2.5, 5 × 10^k) giving about four gridlines up to `max`. */
function niceStep(max: number): number {
  if (max <= 0) return 5;
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = [1, 2, 2.5, 5, 10].find((f) => f * pow >= raw)!;
  return m * pow;
}

/** DSO trend line with a 0-based y axis, gaps where DSO is undefined, and the latest value labelled. */
export function dsoTrendChart(points: readonly ChartPoint[], options: ChartOptions = {}): string {
  const title = options.title ?? 'DSO trend (days)';
  const known = points.filter((p) => p.value !== null);
  const w = words(options);
  // Values as the reader writes numbers (42,2 in French); the points' positions use the decimal string itself.
  const said = (v: string) => new Intl.NumberFormat(options.locale ?? 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number(v));
  const desc = points.length === 0 ? w.noData : `${w.dsoDesc}${points.map((p) => `${p.label}: ${p.value === null ? w.notAvailable : said(p.value)}`).join('; ')}.`;
  const height = 240;
  const left = 40;
  // Room for half of a centred month label at the right edge.
  const right = 28;
  const top = 40;
  const bottom = 36;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const step = niceStep(Math.max(0, ...known.map((p) => Number(p.value))) * 1.1);
  const ticks = Math.max(1, Math.ceil((Math.max(0, ...known.map((p) => Number(p.value))) * 1.1) / step));
  const yMax = step * ticks;
  const x = (i: number) => left + (points.length <= 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / yMax) * plotH;

  const parts = [svgOpen(options.id ?? 'dso-trend', height, title, desc)];
  parts.push(`<text x="8" y="22" font-size="15" font-weight="600" fill="${INK}">${escapeXml(title)}</text>`);
  for (let k = 0; k <= ticks; k += 1) {
    const v = step * k;
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${WIDTH - right}" y1="${yy}" y2="${yy}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="12" fill="${MUTED}" text-anchor="end">${escapeXml(new Intl.NumberFormat(options.locale ?? 'en').format(v))}</text>`);
  }
  // At most six month labels so they never overlap on a phone.
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if ((points.length - 1 - i) % every === 0) {
      parts.push(`<text x="${x(i).toFixed(1)}" y="${height - 14}" font-size="12" fill="${MUTED}" text-anchor="middle">${escapeXml(p.label)}</text>`);
    }
  });
  let segment: string[] = [];
  const flush = () => {
    if (segment.length > 1) parts.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="#2563eb" stroke-width="2.5" stroke-linejoin="round"/>`);
    segment = [];
  };
  points.forEach((p, i) => {
    if (p.value === null) return flush();
    segment.push(`${x(i).toFixed(1)},${y(Number(p.value)).toFixed(1)}`);
  });
  flush();
  points.forEach((p, i) => {
    if (p.value === null) return;
    parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(Number(p.value)).toFixed(1)}" r="3.5" fill="#2563eb"><title>${escapeXml(fillIn(w.pointTip, { label: p.label, value: said(p.value) }))}</title></circle>`);
  });
  const last = points[points.length - 1];
  if (last && last.value !== null) {
    const lx = x(points.length - 1);
    parts.push(`<text x="${lx.toFixed(1)}" y="${(y(Number(last.value)) - 10).toFixed(1)}" font-size="13" font-weight="600" fill="${INK}" text-anchor="end">${escapeXml(`${said(last.value)} ${w.daysUnit}`)}</text>`);
  }
  if (known.length === 0) {
    parts.push(`<text x="${WIDTH / 2}" y="${top + plotH / 2}" font-size="13" fill="${MUTED}" text-anchor="middle">${escapeXml(w.noSales)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
