// SVG charts parsed and laid out by a real browser (Debian chromium): well-formed, escaped, readable at 390 px and 1280 px.
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agingChart, dsoTrendChart, escapeXml, monthLabel } from '../../src/kpi/charts.js';
import { agingBuckets } from '../../src/kpi/formulas.js';

let browser: Browser;

// playwright gives the browser a fresh temporary profile of its own.
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
});

// Browser-side code is kept as source text: the project compiles without the DOM lib, and this runs in the page.
const PARSE_IN_PAGE = `(text) => {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  return err ? (err.textContent || 'parsererror') : doc.documentElement.namespaceURI === 'http://www.w3.org/2000/svg' ? null : 'not an SVG root';
}`;

const MEASURE_IN_PAGE = `() => {
  const root = document.querySelector('svg');
  const box = root.getBoundingClientRect();
  const scale = root.getScreenCTM().a;
  const boxes = [...root.querySelectorAll('text')].map((t) => ({ t: t.textContent || '', r: t.getBoundingClientRect(), px: parseFloat(getComputedStyle(t).fontSize) * scale }));
  const overflow = boxes.filter((b) => b.r.left < box.left - 0.5 || b.r.right > box.right + 0.5 || b.r.top < box.top - 0.5 || b.r.bottom > box.bottom + 0.5).map((b) => b.t);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i].r, b = boxes[j].r;
      const ix = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const iy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (ix > 1 && iy > 1) overlaps.push(boxes[i].t + ' / ' + boxes[j].t);
    }
  }
  return {
    svgWidth: box.width,
    minFontPx: Math.min(...boxes.map((b) => b.px)),
    overflow,
    overlaps,
    scripts: document.querySelectorAll('script').length,
    texts: boxes.map((b) => b.t),
    labelledBy: root.getAttribute('aria-labelledby'),
    title: root.querySelector('title') ? root.querySelector('title').textContent : null,
  };
}`;

/** Parses `svg` as XML in the browser: the parser error text, or null when well-formed. */
async function xmlError(svg: string): Promise<string | null> {
  const page = await browser.newPage();
  try {
    return await page.evaluate<string | null>(`(${PARSE_IN_PAGE})(${JSON.stringify(svg)})`);
  } finally {
    await page.close();
  }
}

interface Layout {
  svgWidth: number;
  minFontPx: number;
  overflow: string[];
  overlaps: string[];
  scripts: number;
  texts: string[];
  labelledBy: string | null;
  title: string | null;
}

/** Lays the chart out in a page `viewport` px wide and measures every text box against the chart and each other. */
async function layout(svg: string, viewport: number): Promise<Layout> {
  const page = await browser.newPage({ viewport: { width: viewport, height: 900 } });
  try {
    await page.setContent(`<!doctype html><html><body style="margin:0;padding:0">${svg}</body></html>`);
    return await page.evaluate<Layout>(`(${MEASURE_IN_PAGE})()`);
  } finally {
    await page.close();
  }
}

// §7.6 example, with a large 90+ amount to stress the right-aligned figures.
const aging = agingBuckets(
  [
    { dueDate: '2026-04-15', amount: '12000.00' },
    { dueDate: '2026-03-15', amount: '5000.00' },
    { dueDate: '2026-02-28', amount: '2000.00' },
    { dueDate: '2026-01-31', amount: '1000.00' },
    { dueDate: '2025-12-31', amount: '800.00' },
    { dueDate: '2025-11-30', amount: '1234567.89' },
  ],
  '2026-03-31',
  'EUR',
);
const months = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
const trend = months.map((m, i) => ({ label: monthLabel(m), value: i === 3 ? null : (40 + ((i * 7) % 23) + 0.3).toFixed(1) }));

describe('charts', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('aging and trend SVGs are well-formed XML with an accessible title and description', async () => {
    for (const svg of [agingChart(aging, 'EUR', { id: 'ag' }), dsoTrendChart(trend, { id: 'tr' }), dsoTrendChart([], { id: 'empty' }), dsoTrendChart([{ label: 'Mar 26', value: null }])]) {
      expect(await xmlError(svg)).toBeNull();
    }
    const a = await layout(agingChart(aging, 'EUR', { id: 'ag' }), 1280);
    expect(a.labelledBy).toBe('ag-title ag-desc');
    expect(a.title).toBe('Receivables aging at 2026-03-31');
    expect(agingChart(aging, 'EUR')).toContain('<desc id="aging-desc">Open receivables €1,255,367.89 in 6 item(s), by days past due: Current: €12,000.00 (0.96 %)');
  });

  it('a <script> label stays text: escaped in the markup, no script element, shown verbatim', async () => {
    const evil = '<script>alert("x")</script>';
    const hacked = { ...aging, buckets: aging.buckets.map((b, i) => (i === 0 ? { ...b, label: evil } : b)) };
    for (const svg of [agingChart(hacked, 'EUR', { title: `Aging ${evil}`, id: 'x"y' }), dsoTrendChart([{ label: evil, value: '12.0' }, { label: 'b', value: '14.0' }], { title: evil })]) {
      expect(svg).not.toContain('<script');
      expect(svg).toContain('&lt;script&gt;');
      expect(await xmlError(svg)).toBeNull();
      const l = await layout(svg, 1280);
      expect(l.scripts).toBe(0);
      expect(l.texts.some((t) => t.includes(evil))).toBe(true);
    }
  });

  for (const viewport of [390, 1280]) {
    it(`is readable at ${viewport} px: fills the width (capped at 720), text ≥ 11 px, nothing clipped or overlapping`, async () => {
      for (const svg of [agingChart(aging, 'EUR', { locale: 'fr' }), dsoTrendChart(trend)]) {
        const l = await layout(svg, viewport);
        expect(l.svgWidth).toBeCloseTo(Math.min(viewport, 720), 0);
        expect(l.minFontPx).toBeGreaterThanOrEqual(11);
        expect(l.overflow).toEqual([]);
        expect(l.overlaps).toEqual([]);
      }
    });
  }

  it('draws the trend with a gap where DSO is undefined and labels the latest value', () => {
    const svg = dsoTrendChart(trend);
    expect(svg.match(/<polyline /g)).toHaveLength(2); // split at the null point
    expect(svg.match(/<circle /g)).toHaveLength(11);
    expect(svg).toContain(`>${trend[11]!.value} d</text>`);
    expect(svg).toContain(`${monthLabel('2025-07')}: not available (no sales)`);
  });
});

describe('labels in the reader language', () => {
  it('draws the not-yet-due bucket and the day unit in the words given', () => {
    const fr = agingChart(aging, 'EUR', { locale: 'fr-FR', labels: { current: 'Non échu', daysUnit: 'j' } });
    expect(fr).toContain('>Non échu<');
    expect(fr).not.toContain('>Current<');
    expect(agingChart(aging, 'EUR')).toContain('>Current<');
    const trend = dsoTrendChart([{ label: 'janv. 26', value: '41.0' }, { label: 'févr. 26', value: '38.5' }], { locale: 'fr-FR', labels: { daysUnit: 'j' } });
    expect(trend).toContain('38,5 j');
  });
});
