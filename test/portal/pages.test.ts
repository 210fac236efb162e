// The portal's routes as a customer's browser meets them (src/http/ui/portal/pages.tsx), on the real database: the
// 404 and 429 pages in the browser's language, what the page and the PDF tell the browser to keep or pass on, the
// files a customer may attach (known by their bytes), and a form posted from the public address the service is
// published under.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { listAnswers } from '../../src/portal/answers.js';
import { issueLink } from '../../src/portal/links.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { listPauses } from '../../src/store/pauses.js';
import { listTasks } from '../../src/worklist/store.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { visitor } from './visitor.js';

const sql = useDatabase();
const NOW = new Date('2026-11-24T10:00:00Z');
const app = createUi(uiDeps(sql, { now: () => NOW }));
const nextIp = visitor;

async function company(language: 'fr' | 'en' = 'fr', site = app) {
  const t = await seedTenant(sql, [{ ...customer('c1', 'Garage Leroy'), language }], [invoice('1', 'c1', '2026-10-15', '900.00')]);
  const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
  const get = (path: string, headers: Record<string, string> = {}) => site.request(path, { headers: { 'accept-language': 'fr-FR', 'x-forwarded-for': nextIp(), ...headers } });
  const post = async (fields: Record<string, string | Blob>, origin = 'http://localhost') => {
    const html = await (await get(`/p/${token}`)).text();
    const body = new FormData();
    body.append('nonce', /name="nonce" value="([^"]+)"/.exec(html)![1]!);
    body.append('mac', /name="mac" value="([^"]+)"/.exec(html)![1]!);
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    return site.request(`/p/${token}`, { method: 'POST', body, headers: { origin, 'x-forwarded-for': nextIp() } });
  };
  return { t, token, get, post };
}

describe('the pages for a link that opens nothing', () => {
  it('speak the browser’s first language: French for fr, fr-CH or FR first, English otherwise', async () => {
    const page = async (lang: string) => (await app.request('/p/nothing-here', { headers: { 'accept-language': lang, 'x-forwarded-for': nextIp() } })).text();
    for (const fr of ['fr', 'fr-CH, en;q=0.8', ' FR']) {
      const html = await page(fr);
      expect(html, fr).toContain('<html lang="fr"');
      expect(html, fr).toContain('Lien introuvable');
    }
    for (const en of ['en-GB', 'en-FR', 'de-DE, fr;q=0.5', 'french', '']) {
      const html = await page(en);
      expect(html, en).toContain('<html lang="en"');
      expect(html, en).toContain('Link not found');
    }
  });

  it.each([
    ['en-US', 'en', 'Too many requests'],
    ['fr-FR', 'fr', 'Trop de demandes'],
  ])('too many visits: a 429 page in the browser\'s language (%s), with when to come back', async (browser, lang, title) => {
    const { token } = await company();
    const ip = nextIp();
    let last: Response | undefined;
    for (let i = 0; i < 61; i++) last = await app.request(`/p/${token}`, { headers: { 'accept-language': browser, 'x-forwarded-for': ip } });
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toBe('600');
    const html = await last!.text();
    expect(html).toContain(`<html lang="${lang}"`);
    expect(html).toContain(title);
  });
});

describe('whose visit a hit is counted against', () => {
  const hits = async (bucket: string) => Number((await sql<{ hits: number }[]>`select hits from portal_hits where bucket = ${bucket}`)[0]?.hits ?? 0);

  it('the first address of a proxy\'s X-Forwarded-For, spaces trimmed; without one, the connection\'s own address', async () => {
    const { token } = await company();
    const ip = nextIp();
    expect((await app.request(`/p/${token}`, { headers: { 'x-forwarded-for': `  ${ip} , 172.16.0.9` } })).status).toBe(200);
    expect(await hits(`ip:${ip}`)).toBe(1);
    // No header and no socket (a request made inside the process): one shared bucket.
    const local = await hits('ip:local');
    expect((await app.request(`/p/${token}`)).status).toBe(200);
    expect(await hits('ip:local')).toBe(local + 1);
    // Through a real server, the address the connection came from.
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
      const { port } = server.address() as AddressInfo;
      const before = (await hits('ip:127.0.0.1')) + (await hits('ip:::ffff:127.0.0.1'));
      expect((await fetch(`http://127.0.0.1:${port}/p/${token}`)).status).toBe(200);
      expect((await hits('ip:127.0.0.1')) + (await hits('ip:::ffff:127.0.0.1'))).toBe(before + 1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('what the browser is told to keep', () => {
  it('the statement is not cached and its address (the link) is passed on to no other site', async () => {
    const { token, get } = await company();
    const res = await get(`/p/${token}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Not no-referrer: the browser would then post the page's own forms with "Origin: null" (test/browser/portal.test.ts).
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    // The rest of the site keeps the product's own policy.
    expect((await app.request('/signin')).headers.get('referrer-policy')).toBe('same-origin');
  });

  it('the PDF statement downloads under a name in the customer’s language, uncached, passing the link on to no one', async () => {
    for (const [lang, name] of [['fr', 'releve-2026-11-24.pdf'], ['en', 'statement-2026-11-24.pdf']] as const) {
      const { token, get } = await company(lang);
      const res = await get(`/p/${token}/statement.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }
  });
});

describe('the files a customer may attach', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]);
  const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
  it('a PDF, a PNG or a JPEG photo, known by its first bytes, is kept with its type and a name of the answer and the invoice', async () => {
    for (const [bytes, type, ext] of [[PDF, 'application/pdf', 'pdf'], [PNG, 'image/png', 'png'], [JPEG, 'image/jpeg', 'jpg']] as const) {
      const { t, post } = await company();
      // The browser's claim is not what counts.
      const res = await post({ kind: 'dispute', invoice: '1', reason: 'quality', file: new Blob([bytes], { type: 'application/octet-stream' }) });
      expect(res.status, type).toBe(303);
      const [answer] = await listAnswers(sql, t.tenant.id, t.connection.id, 'c1');
      expect(answer).toMatchObject({ hasAttachment: true, attachmentName: `dispute-F-1.${ext}` });
      const [row] = await sql<{ attachment_type: string }[]>`select attachment_type from portal_answers where id = ${answer!.id}`;
      expect(row!.attachment_type).toBe(type);
    }
  });

  it('a file that only starts like one is refused, and nothing is recorded', async () => {
    const { t, post } = await company();
    for (const bytes of [PNG.subarray(0, 7), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b, 0]), Buffer.from([0xff, 0xd8, 0xfe, 0xe0]), Buffer.from([0xff, 0xd9, 0xff, 0xe0]), Buffer.from([0xfe, 0xd8, 0xff, 0xe0])]) {
      const res = await post({ kind: 'dispute', invoice: '1', reason: 'quality', file: new Blob([bytes]) });
      expect(res.status, bytes.toString('hex')).toBe(422);
      expect(await res.text()).toContain('Seuls les documents PDF, PNG ou JPEG sont acceptés.');
    }
    expect(await listAnswers(sql, t.tenant.id, t.connection.id, 'c1')).toEqual([]);
  });
});

describe('the size and name of an attached file', () => {
  it('2 MB is accepted; a byte more is refused with 413 and says so', async () => {
    const { t, post } = await company();
    const pdf = (size: number) => new Blob([Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size - 9)])]);
    const big = await post({ kind: 'dispute', invoice: '1', reason: 'quality', file: pdf(2 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('Le document dépasse 2 Mo.');
    expect((await post({ kind: 'dispute', invoice: '1', reason: 'quality', file: pdf(2 * 1024 * 1024) })).status).toBe(303);
    expect(await listAnswers(sql, t.tenant.id, t.connection.id, 'c1')).toEqual([expect.objectContaining({ hasAttachment: true })]);
  });

  it('is named after the answer and the invoice number, with characters a file name cannot hold replaced', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [{ ...invoice('1', 'c1', '2026-10-15', '900.00'), number: 'FA 2026/001' }]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const html = await (await app.request(`/p/${token}`, { headers: { 'x-forwarded-for': nextIp() } })).text();
    const body = new FormData();
    for (const k of ['nonce', 'mac']) body.append(k, new RegExp(`name="${k}" value="([^"]+)"`).exec(html)![1]!);
    for (const [k, v] of Object.entries({ kind: 'paid', invoice: '1', on: '2026-11-20', amount: '900' })) body.append(k, v);
    body.append('file', new Blob([Buffer.from('%PDF-1.4\n%\n')]));
    expect((await app.request(`/p/${token}`, { method: 'POST', body, headers: { origin: 'http://localhost', 'x-forwarded-for': nextIp() } })).status).toBe(303);
    expect((await listAnswers(sql, t.tenant.id, t.connection.id, 'c1'))[0]!.attachmentName).toBe('paid-FA_2026_001.pdf');
  });

  it('an invoice paid between the page and the answer: the answer is refused (422), and the page says nothing is left to pay', async () => {
    const { t, token, get } = await company();
    const html = await (await get(`/p/${token}`)).text();
    const paid = { ...invoice('1', 'c1', '2026-10-15', '0.00'), total: '900.00', status: 'paid' as const, externalVersion: '1' };
    await upsertDocuments(sql, t.scope, 'invoice', [{ record: paid, raw: paid }]);
    const body = new FormData();
    for (const k of ['nonce', 'mac']) body.append(k, new RegExp(`name="${k}" value="([^"]+)"`).exec(html)![1]!);
    for (const [k, v] of Object.entries({ kind: 'dispute', invoice: '1', reason: 'quality' })) body.append(k, v);
    body.append('file', new Blob([Buffer.from('%PDF-1.4\n%\n')]));
    const res = await app.request(`/p/${token}`, { method: 'POST', body, headers: { origin: 'http://localhost', 'x-forwarded-for': nextIp() } });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Plus rien ne reste à régler');
    expect(await listAnswers(sql, t.tenant.id, t.connection.id, 'c1')).toEqual([]);
  });
});

describe('a form posted from the address the service is published under', () => {
  it('is accepted from PUBLIC_URL’s origin as from the request’s own; another site’s is refused with 403 in the customer’s language', async () => {
    const site = createUi(uiDeps(sql, { now: () => NOW }, { PUBLIC_URL: 'https://relance.example/portal' }));
    const { t, post } = await company('en', site);
    const refused = await post({ kind: 'promise', invoice: '1', on: '2026-12-10' }, 'https://relance.example.evil.com');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('Request refused: the form did not come from this page. Reload the page and try again.');
    expect((await post({ kind: 'promise', invoice: '1', on: '2026-12-10' }, 'https://relance.example')).status).toBe(303);
    expect((await post({ kind: 'promise', invoice: '1', on: '2026-12-11' })).status).toBe(303);
    expect((await listPauses(sql, t.tenant.id, { connectionId: t.connection.id })).map((p) => p.expiresOn).sort()).toEqual(['2026-12-10', '2026-12-11']);
  });
});

describe('after an answer', () => {
  it('the page the customer is sent back to thanks them for what they sent, in their language', async () => {
    const { token, post, get } = await company();
    const res = await post({ kind: 'promise', invoice: '1', on: '2026-12-10' });
    expect(res.headers.get('location')).toBe(`/p/${token}?done=promise`);
    const html = await (await get(res.headers.get('location')!)).text();
    expect(html).toContain('data-done="promise"');
    expect(html).toContain('Merci : votre promesse est enregistrée, et les relances attendent cette date.');
    expect(await (await get(`/p/${token}`)).text()).not.toContain('data-done');
  });

  it('a refused one shows the form again with what was typed, posting to the same link, with a fresh signed nonce that works', async () => {
    const { t, token, post } = await company();
    const res = await post({ kind: 'paid', invoice: '1', on: '2026-11-20', amount: 'neuf cents', reference: 'VIR 2611' });
    expect(res.status).toBe(422);
    const html = await res.text();
    const form = html.slice(html.lastIndexOf('<form', html.indexOf('name="kind" value="paid"')), html.indexOf('</form>', html.indexOf('name="kind" value="paid"')));
    expect(form).toContain(`action="/p/${token}"`);
    expect(form).toContain('value="neuf cents"');
    expect(form).toContain('value="VIR 2611"');
    expect(form).toContain('Saisissez un montant supérieur à zéro');
    // The corrected form, as the page gives it, is accepted.
    const body = new FormData();
    for (const k of ['nonce', 'mac']) body.append(k, new RegExp(`name="${k}" value="([^"]+)"`).exec(form)![1]!);
    for (const [k, v] of Object.entries({ kind: 'paid', invoice: '1', on: '2026-11-20', amount: '900,00' })) body.append(k, v);
    const again = await app.request(`/p/${token}`, { method: 'POST', body, headers: { origin: 'http://localhost', 'x-forwarded-for': nextIp() } });
    expect(again.status).toBe(303);
    expect(await listAnswers(sql, t.tenant.id, t.connection.id, 'c1')).toEqual([expect.objectContaining({ kind: 'paid' })]);
  });

  it('the team’s task is named after the customer and the invoice', async () => {
    const { t, post } = await company();
    expect((await post({ kind: 'dispute', invoice: '1', reason: 'price' })).status).toBe(303);
    expect((await listTasks(sql, t.tenant.id, '2026-11-24', {})).map((k) => [k.kind, k.title])).toEqual([['dispute', 'Garage Leroy — F-1']]);
  });
});
