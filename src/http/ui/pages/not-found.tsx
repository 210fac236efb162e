/** @jsxImportSource hono/jsx */
// The 404 page: also what another tenant's ids lead to, so nothing says whether they exist.
import type { Context } from 'hono';
import { DICTS, pickLang } from '../i18n.js';
import { Document } from '../layout.js';

export async function notFoundPage(c: Context): Promise<Response> {
  if (c.req.path.startsWith('/api/')) return c.json({ error: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` }, 404);
  const lang = pickLang(c);
  const t = DICTS[lang];
  const page = (
    <Document lang={lang} title={t.notFound}>
      <div class="signin">
        <div class="card">
          <h1>{t.notFound}</h1>
          <p class="sub">{t.notFoundText}</p>
          <p>
            <a class="button" href="/dashboard">
              {t.dashboard}
            </a>
          </p>
        </div>
      </div>
    </Document>
  );
  return c.html(`<!doctype html>${String(await page)}`, 404);
}
