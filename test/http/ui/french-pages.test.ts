// Every page a French user reads is French (#28.4): no English value of the dictionaries, no common English word, and
// no internal id (UUID) in what the page shows, on a company with customers, a pause, planned, sent and cancelled
// actions. The sidebar's company switcher lists the shared test database's companies and is left out; the menu is read.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../../src/collections/run.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { DICTS } from '../../../src/http/ui/i18n.js';
import { COMPANY_TEXT } from '../../../src/http/ui/company-text.js';
import { recordActivity } from '../../../src/store/activity.js';
import { openPause } from '../../../src/store/pauses.js';
import { issueLink } from '../../../src/portal/links.js';
import { TaskKind } from '../../../src/model/task.js';
import { assignCollector, upsertUser } from '../../../src/store/team.js';
import { taskOpener } from '../../../src/worklist/open.js';
import { closeWithOutcome } from '../../../src/worklist/outcomes.js';
import { listTasks, snoozeTask } from '../../../src/worklist/store.js';
import { useDatabase } from '../../support/db.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';
import { parseNotices } from '../../../src/insolvency/bodacc.js';
import { applyNotice } from '../../../src/insolvency/effects.js';
import { recordNotice } from '../../../src/store/insolvency.js';
import { record as insolvencyRecord } from '../../insolvency/fixtures.js';
import { advanceCase, openCase } from '../../../src/recovery/cases.js';
import { markFailing, storeInbound, type InboundInput } from '../../../src/store/mail.js';
import { visitor } from '../../portal/visitor.js';
import { SESSION_COOKIE } from '../../../src/http/auth/session.js';
import { createSession } from '../../../src/store/auth.js';

const sql = useDatabase();
const app = createUi(uiDeps(sql));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** Common English words our French text must never contain (names in the seeded data are French; "payer" alone is French: injonction de payer). */
const ENGLISH = /\b(current|the|and|of|by|since|with|without|waiting|planned|sent|failed|cancelled|open|paid|overdue|due|days?|step|invoices?|customers?|reminders?|letter|demo|pending|reliable|watch|bad payer|none|never|today|sync|last|next)\b/i;

/** What a person reads: the text of <main> and of the menu, and the words in titles, labels and placeholders. */
function readable(html: string): string {
  const part = (re: RegExp) => re.exec(html)?.[1] ?? '';
  const region = `${part(/<nav class="nav"[^>]*>([\s\S]*?)<\/nav>/)} ${part(/<main[^>]*>([\s\S]*)<\/main>/)}`;
  const attrs = [...region.matchAll(/\s(?:title|aria-label|placeholder)="([^"]*)"/g)].map((m) => m[1]).join(' ');
  const text = region
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    // JSON shown on demand (raw payloads, proofs, the "Advanced" JSON) is data, not text.
    .replace(/<pre[\s\S]*?<\/pre>/g, ' ')
    .replace(/<textarea[\s\S]*?<\/textarea>/g, ' ')
    .replace(/<code[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]+>/g, ' ');
  return `${text} ${attrs}`.replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/\s+/g, ' ');
}

/** English sentences of the dictionaries that differ in French, cut at their placeholders, long enough to be telling. */
const englishValues = (() => {
  const out = new Set<string>();
  // The company profile page keeps its words in its own dictionary.
  const pairs = [...Object.entries(DICTS.en).map(([k, en]) => [en, DICTS.fr[k as keyof typeof DICTS.fr]] as const), ...Object.entries(COMPANY_TEXT.en).map(([k, en]) => [en, COMPANY_TEXT.fr[k as keyof typeof COMPANY_TEXT.fr]] as const)];
  for (const [en, fr] of pairs) {
    if (en === fr) continue;
    for (const piece of en.split(/\{\w+\}/)) {
      const p = piece.trim().replace(/^[,.:;()\s]+|[,.:;()\s]+$/g, '');
      if (p.length >= 8 && /[a-z]{3}/i.test(p)) out.add(p);
    }
  }
  return [...out];
})();

describe('French pages', () => {
  it('show no English dictionary value, no common English word and no UUID', { timeout: 60_000 }, async () => {
    const t = await seedTenant(
      sql,
      [customer('c1', 'Garage Leroy'), customer('c2', 'Boulangerie Martin'), customer('c3', 'Pharmacie Durand')],
      [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c2', '2026-11-20', '450.00'), invoice('3', 'c3', '2026-12-20', '75.00')],
    );
    await sql`update tenants set locale = 'fr', name = 'Menuiserie Petit' where id = ${t.tenant.id}`;
    await runEvaluation(sql, t.tenant.id, t.connection.id, new Date('2026-11-24T10:00:00Z'));
    await openPause(sql, t.tenant.id, t.connection.id, { kind: 'dispute', reason: 'Livraison incomplète', owner: 'marie', startsOn: '2026-11-24', expiresOn: null, customerExternalId: 'c2', invoiceExternalId: '2', instalments: [] }, 'marie');
    await recordActivity(sql, t.tenant.id, { connectionId: t.connection.id, actionKey: `sent-${t.tenant.id}`, kind: 'sent', channel: 'email', customerExternalId: 'c1', invoiceExternalIds: ['1'], contentHash: 'ab'.repeat(32) });
    // Inbound mail on c1's page (a reply with files, an out-of-office, a bounce) and one waiting in the unmatched list.
    const inbound = (patch: Partial<InboundInput>): InboundInput => ({ messageKey: `<${Math.random().toString(36).slice(2)}@fr.example>`, tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c1', threadId: null, kind: 'reply', matchedBy: 'token', unmatchedReason: null, source: 'test', fromAddress: 'c1@example.fr', subject: 'Re: relance', bodyText: 'Virement fait hier.', failedAddress: null, dsnStatus: null, sizeBytes: 10, raw: null, attachments: [], ...patch });
    await storeInbound(sql, inbound({ attachments: [{ filename: 'avis.pdf', contentType: 'application/pdf', size: 2048, content: Buffer.from('x') }, { filename: 'scan.tif', contentType: 'image/tiff', size: 30_000_000, content: null }] }));
    await storeInbound(sql, inbound({ kind: 'auto_reply', matchedBy: 'references', subject: 'Réponse automatique' }));
    await storeInbound(sql, inbound({ kind: 'bounce', matchedBy: 'sender', subject: 'Non distribué', failedAddress: 'c1@example.fr', dsnStatus: '5.1.1' }));
    await storeInbound(sql, inbound({ connectionId: null, customerExternalId: null, matchedBy: null, unmatchedReason: 'ambiguous_sender', subject: 'Question' }));
    // Mail of no company, as other test files leave on the same database: data in English, never on this company's pages.
    await storeInbound(sql, inbound({ tenantId: null, connectionId: null, customerExternalId: null, matchedBy: null, unmatchedReason: 'no_match', subject: 'Undelivered Mail Returned to Sender' }));
    await markFailing(sql, t.tenant.id, 'c1@example.fr', { status: '5.1.1', reason: 'utilisateur inconnu', inboundId: null });
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', new Date('2026-11-24T10:00:00Z'));
    // The team and its worklist (#23): a collector assigned to a customer, tasks of every kind, one snoozed, one done.
    const ann = await upsertUser(sql, t.tenant.id, 'ann@menuiserie.fr', 'collector', 'test');
    await assignCollector(sql, t.tenant.id, { connectionId: t.connection.id, customerExternalId: 'c1' }, ann.id, 'test');
    const open = taskOpener(sql, { now: () => new Date('2026-11-24T10:00:00Z') });
    for (const [i, kind] of TaskKind.options.entries()) await open({ tenantId: t.tenant.id, connectionId: t.connection.id, kind, customerExternalId: i % 2 ? 'c2' : 'c1', invoiceExternalIds: [i % 2 ? '2' : '1'], dueOn: '2026-11-24', sourceKey: `fr-${kind}`, title: 'Relance téléphonique', detail: kind === 'call' ? { script: 'Bonjour, nous vous appelons au sujet de la facture F-1.' } : {} });
    const [snoozed, closed] = await listTasks(sql, t.tenant.id, '2026-11-24', { kind: 'dispute' }).then(async (d) => [d[0]!, (await listTasks(sql, t.tenant.id, '2026-11-24', { kind: 'call' }))[0]!]);
    await snoozeTask(sql, t.tenant.id, snoozed!.id, '2026-11-30', 'ann@menuiserie.fr');
    await closeWithOutcome(sql, t.tenant.id, closed!, { outcome: 'promise', on: '2026-12-05' }, 'ann@menuiserie.fr', '2026-11-24');
    await upsertUser(sql, t.tenant.id, 'paul@menuiserie.fr', 'viewer', 'test');
    // Pharmacie Durand under proceedings (#27): the opening paused its invoice, then a plan was published.
    await sql`update customers set reg_no = '552100554' where tenant_id = ${t.tenant.id} and external_id = 'c3'`;
    await sql`update invoices set issue_date = '2026-09-01' where tenant_id = ${t.tenant.id} and external_id = '3'`;
    for (const rec of [insolvencyRecord({ id: 'A202600000042', dateparution: '2026-10-27' }, { date: '2026-10-15' }), insolvencyRecord({ id: 'A202600000043', dateparution: '2026-11-20' }, { nature: 'Jugement arrêtant le plan de redressement', date: '2026-11-12', complementJugement: '' })]) {
      for (const stored of await recordNotice(sql, t.tenant.id, parseNotices('552100554', [rec]).notices[0]!)) await applyNotice(sql, t.tenant.id, stored.notice, { openTask: taskOpener(sql), actor: 'relance' });
    }
    // A recovery file handed over (#25), followed on the worklist and the customer's page.
    const caseId = await openCase(sql, t.tenant.id, { connectionId: t.connection.id, customerExternalId: 'c1', invoiceExternalIds: ['1'], handedTo: 'Cabinet Martin', claimed: '940.00', currency: 'EUR', on: '2026-11-20', actor: 'marie' });
    await advanceCase(sql, t.tenant.id, caseId, 'order_obtained', '2026-11-23', 'Ordonnance n° 26/1234', 'marie');
    // An address of its own: the portal counts visits per address, and the tests' clock never ends a window.
    const fr = new Browser(app, { 'accept-language': 'fr-FR', 'x-forwarded-for': visitor() });
    await fr.signIn(t.tenant.id);
    // The unmatched mail as the company's own sign-in sees it: the admin's view also lists mail of no company, stored
    // by other test files on the same database, whose subjects are data (an English "Undelivered Mail"), not the page.
    const own = new Browser(app, { 'accept-language': 'fr-FR', 'x-forwarded-for': visitor() });
    own.cookies.set(SESSION_COOKIE, (await createSession(sql, 'owner@fr.example', 60_000, t.tenant.id, true)).token);
    const pages = [`/p/${token}`, '/dashboard', '/connections', '/customers', '/customers/CONN/c1', '/customers/CONN/c2', '/customers/CONN/c3', '/preview?connection=CONN', '/policy', '/templates', '/activity', '/mappings', '/settings/tokens', '/settings/company', '/tasks?view=all', '/tasks?view=all&state=all&sort=amount', '/tasks?view=all&state=snoozed', '/tasks?view=all&state=done', '/settings/team', 'own:/mail/unmatched'].map((p) => p.replace('CONN', t.connection.id));
    const found: string[] = [];
    for (const path of pages) {
      const res = path.startsWith('own:') ? await own.request(path.slice(4)) : await fr.request(path);
      expect(res.status, path).toBe(200);
      const text = readable(await res.text());
      expect(text.length, path).toBeGreaterThan(50);
      const uuid = UUID.exec(text);
      if (uuid) found.push(`${path}: UUID ${uuid[0]}`);
      const word = ENGLISH.exec(text);
      if (word) found.push(`${path}: English word "${word[0]}" in …${text.slice(Math.max(0, word.index - 60), word.index + 60)}…`);
      for (const en of englishValues) if (text.includes(en)) found.push(`${path}: English text "${en}"`);
    }
    expect(found).toEqual([]);
    expect(readable(await (await own.request('/mail/unmatched')).text())).toContain('Question');
    // The insolvency card was on the scanned pages, in French.
    const c3 = readable(await (await fr.request(`/customers/${t.connection.id}/c3`)).text());
    expect(c3).toContain('Jugement arrêtant un plan du 12 nov. 2026, TRIBUNAL DE COMMERCE DE LYON, publié au BODACC le 20 nov. 2026');
    expect(c3).toContain('Déclarer la créance au mandataire avant le 27 déc. 2026');
    expect(c3).toContain('en procédure collective depuis le 15 oct. 2026');
    expect(readable(await (await fr.request('/dashboard')).text())).toMatch(/Clients en procédure collective 1 .*Pharmacie Durand · à déclarer avant le 27 déc\. 2026/);
  });

  it('the scan itself sees English and UUIDs where they are', () => {
    const html = (s: string) => `<nav class="nav"><a>Menu</a></nav><main><p>${s}</p></main>`;
    expect(ENGLISH.test(readable(html('Relance envoyée by marie')))).toBe(true);
    expect(UUID.test(readable(html('client 0b6f1a52-4f59-4c43-9d6b-2a1b0c9d8e7f')))).toBe(true);
    expect(englishValues.some((en) => readable(html(`x ${DICTS.en.pauseAddedCancelled} y`)).includes(en))).toBe(true);
    expect(ENGLISH.test(readable(html('Relance envoyée par marie, échue depuis 3 jours')))).toBe(false);
  });
});
