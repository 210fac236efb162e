// Inbound mail in the pages: the customer's mail with its text and downloadable files (FR/EN), bounced addresses,
// the unmatched list and placing by hand, the policy's reply pause, and the refused-send reason in both languages.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../../src/http/auth/session.js';
import { createSite as createUi } from '../../../src/http/app.js';
import { createSession } from '../../../src/store/auth.js';
import { customerMail, markFailing, storeInbound, type InboundInput } from '../../../src/store/mail.js';
import { activePolicy } from '../../../src/store/policies.js';
import { useDatabase } from '../../support/db.js';
import { Browser, customer, invoice, seedTenant, uiDeps } from './helpers.js';
import { cancelWhyText } from '../../../src/http/ui/held.js';
import { DICTS } from '../../../src/http/ui/i18n.js';
import { FRENCH_B2B_POLICY } from '../../../src/rules/default-policies.js';
import { parsePolicy } from '../../../src/rules/policy.js';
import { listPauses } from '../../../src/store/pauses.js';
import { recordActivity } from '../../../src/store/activity.js';
import type { TaskRequest } from '../../../src/model/task.js';

/** Unique to this run of the file: the database outlives it (a mutation run reruns the file on the same one), and a
 * Message-ID is stored once, whoever sends it. */
const RUN = randomUUID().slice(0, 8);

const sql = useDatabase();
const asked: TaskRequest[] = [];
const app = createUi(uiDeps(sql, { openTask: async (r) => void asked.push(r) }));

const message = (patch: Partial<InboundInput>): InboundInput => ({
  messageKey: `<${Math.random().toString(36).slice(2)}@ui.example>`,
  tenantId: null,
  connectionId: null,
  customerExternalId: null,
  threadId: null,
  kind: 'reply',
  matchedBy: null,
  unmatchedReason: null,
  source: 'test',
  fromAddress: 'paie@client.example',
  subject: 'Re: relance',
  bodyText: 'Bonjour, le virement part demain.',
  failedAddress: null,
  dsnStatus: null,
  sizeBytes: 100,
  raw: null,
  attachments: [],
  ...patch,
});

describe('the customer page shows the customer’s mail', () => {
  it('in French: the reply, its text and a downloadable file, the auto-reply noted, the bounced address with a way to clear it', async () => {
    const t = await seedTenant(sql, [customer('c1', 'Boulangerie Martin')], [invoice('i1', 'c1', '2026-10-01', '120.00')]);
    const scope = { tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c1' };
    await storeInbound(sql, message({ ...scope, matchedBy: 'token', attachments: [{ filename: 'virement.pdf', contentType: 'application/pdf', size: 12, content: Buffer.from('%PDF-1.4 ok!') }, { filename: 'scan.tif', contentType: 'image/tiff', size: 90_000_000, content: null }] }));
    await storeInbound(sql, message({ ...scope, kind: 'auto_reply', matchedBy: 'references', subject: 'Réponse automatique', bodyText: 'Absent.' }));
    await markFailing(sql, t.tenant.id, 'c1@example.fr', { status: '5.1.1', reason: 'user unknown', inboundId: null });
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request(`/customers/${t.connection.id}/c1`)).text();
    expect(page).toContain('Courriels du client');
    expect(page).toContain('le virement part demain.');
    expect(page).toContain('reconnu par son adresse de réponse');
    expect(page).toContain('Message d’absence ou réponse automatique : les relances ne sont pas suspendues.');
    expect(page).toContain('scan.tif (85,8 Mo, trop volumineux : non conservé)');
    expect(page).toContain('c1@example.fr : non distribué depuis le');
    const href = /href="([^"]+\/mail\/files\/\d+)"/.exec(page)?.[1];
    expect(href).toBeDefined();
    const file = await user.request(href!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="virement.pdf"');
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('%PDF-1.4 ok!');

    // Another company's session cannot reach the file, even with its address.
    const other = await seedTenant(sql, [customer('c1')], []);
    const stranger = new Browser(app);
    await stranger.signIn(other.tenant.id);
    expect((await stranger.request(href!)).status).toBe(404);
    expect((await stranger.request(href!.replace(t.connection.id, other.connection.id))).status).toBe(404);

    const clear = await user.post(`/customers/${t.connection.id}/c1/mail/failing/clear`, { address: 'c1@example.fr' });
    expect(clear.status).toBe(303);
    expect(await (await user.request(`/customers/${t.connection.id}/c1`)).text()).not.toContain('non distribué depuis le');
  });

  it('in English', async () => {
    const t = await seedTenant(sql, [customer('c2', 'British Ltd')], []);
    await storeInbound(sql, message({ tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c2', matchedBy: 'sender', bodyText: 'We paid yesterday.' }));
    const user = new Browser(app, { 'accept-language': 'en-GB' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request(`/customers/${t.connection.id}/c2`)).text();
    expect(page).toContain('Mail from the customer');
    expect(page).toContain('We paid yesterday.');
    expect(page).toContain('recognised by the sender’s address');
  });
});

describe('unmatched mail', () => {
  it('lists the company’s unmatched mail and mail of no company to the admin, and places one on a customer by hand', async () => {
    const t = await seedTenant(sql, [customer('c3', 'Fromagerie Dupont')], []);
    const own = await storeInbound(sql, message({ tenantId: t.tenant.id, unmatchedReason: 'ambiguous_sender', subject: 'Question facture', messageKey: `<own-unmatched.${RUN}@ui.example>` }));
    await storeInbound(sql, message({ unmatchedReason: 'no_match', subject: 'Mail sans société', messageKey: `<nobody.${RUN}@ui.example>` }));
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/mail/unmatched')).text();
    expect(page).toContain('Courriels non rattachés');
    expect(page).toContain('Question facture');
    expect(page).toContain('plusieurs clients ont cette adresse');
    expect(page).toContain('Mail sans société');
    const res = await user.post(`/mail/unmatched/${own.id}/assign`, { customer: `${t.connection.id}|c3` });
    expect(res.status).toBe(303);
    expect(await customerMail(sql, t.tenant.id, t.connection.id, 'c3')).toEqual([expect.objectContaining({ id: own.id, matchedBy: 'hand', subject: 'Question facture' })]);
    // A reply placed by hand does what a matched one does: the pause (5 days from the pinned 24 Nov) and the task.
    expect(await listPauses(sql, t.tenant.id, { customerExternalId: 'c3' })).toEqual([expect.objectContaining({ kind: 'hold', startsOn: '2026-11-24', expiresOn: '2026-11-29', owner: 'admin@example.com' })]);
    expect(asked.filter((r) => r.tenantId === t.tenant.id)).toEqual([expect.objectContaining({ kind: 'reply_to_read', customerExternalId: 'c3', connectionId: t.connection.id, sourceKey: `mail:<own-unmatched.${RUN}@ui.example>`, title: 'Question facture', detail: { inboundId: own.id, from: 'paie@client.example' } })]);
    expect(await (await user.request('/mail/unmatched')).text()).not.toContain('Question facture');
    // Placed once: a second try finds nothing to place.
    expect((await user.post(`/mail/unmatched/${own.id}/assign`, { customer: `${t.connection.id}|c3` })).status).toBe(404);
  });

  it('a reply with a long subject placed by hand: its task\'s title is cut at 200 characters; a site with no worklist still pauses', async () => {
    const subject = `Contestation ${'détaillée '.repeat(30)}`;
    const t = await seedTenant(sql, [customer('c6', 'Garage Leroy'), customer('c7', 'Fromagerie Dupont')], []);
    const long = await storeInbound(sql, message({ tenantId: t.tenant.id, unmatchedReason: 'ambiguous_sender', subject, messageKey: `<long-unmatched.${RUN}@ui.example>` }));
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    expect((await user.post(`/mail/unmatched/${long.id}/assign`, { customer: `${t.connection.id}|c6` })).status).toBe(303);
    expect(asked.filter((r) => r.tenantId === t.tenant.id).map((r) => r.title)).toEqual([subject.slice(0, 200)]);
    // The same, on a site whose service runs no worklist.
    const bare = createUi(uiDeps(sql, {}));
    const other = await storeInbound(sql, message({ tenantId: t.tenant.id, unmatchedReason: 'ambiguous_sender', subject: 'Question', messageKey: `<bare-unmatched.${RUN}@ui.example>` }));
    const admin = new Browser(bare, { 'accept-language': 'fr-FR' });
    await admin.signIn(t.tenant.id);
    expect((await admin.post(`/mail/unmatched/${other.id}/assign`, { customer: `${t.connection.id}|c7` })).status).toBe(303);
    expect((await listPauses(sql, t.tenant.id, { customerExternalId: 'c7' })).map((p) => p.kind)).toEqual(['hold']);
  });

  it('an out-of-office placed by hand is only placed: no pause, no task', async () => {
    const t = await seedTenant(sql, [customer('c5', 'Garage Leroy')], []);
    const ooo = await storeInbound(sql, message({ tenantId: t.tenant.id, kind: 'auto_reply', unmatchedReason: 'ambiguous_sender', subject: 'Absent du bureau', messageKey: `<ooo-unmatched.${RUN}@ui.example>` }));
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    expect((await user.post(`/mail/unmatched/${ooo.id}/assign`, { customer: `${t.connection.id}|c5` })).status).toBe(303);
    expect(await customerMail(sql, t.tenant.id, t.connection.id, 'c5')).toEqual([expect.objectContaining({ id: ooo.id, kind: 'auto_reply', matchedBy: 'hand' })]);
    expect(await listPauses(sql, t.tenant.id, { customerExternalId: 'c5' })).toEqual([]);
    expect(asked.filter((r) => r.tenantId === t.tenant.id)).toEqual([]);
  });

  it('a company signed in on its own (marketplace install) sees neither mail of no company nor another company’s', async () => {
    const a = await seedTenant(sql, [customer('ca')], []);
    const b = await seedTenant(sql, [customer('cb')], []);
    const nobody = await storeInbound(sql, message({ unmatchedReason: 'conflicting_thread', subject: 'Courriel orphelin', messageKey: `<orphan-locked.${RUN}@ui.example>` }));
    const others = await storeInbound(sql, message({ tenantId: b.tenant.id, unmatchedReason: 'no_match', subject: 'Courriel de B', messageKey: `<b-locked.${RUN}@ui.example>` }));
    const { token } = await createSession(sql, 'owner@a.example', 60_000, a.tenant.id, true);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    user.cookies.set(SESSION_COOKIE, token);
    const page = await (await user.request('/mail/unmatched')).text();
    expect(page).not.toContain('Courriel orphelin');
    expect(page).not.toContain('Courriel de B');
    expect((await user.post(`/mail/unmatched/${nobody.id}/assign`, { customer: `${a.connection.id}|ca` })).status).toBe(404);
    expect((await user.post(`/mail/unmatched/${others.id}/assign`, { customer: `${a.connection.id}|ca` })).status).toBe(404);
    expect(await customerMail(sql, a.tenant.id, a.connection.id, 'ca')).toEqual([]);
  });
});

describe('the policy sets the reply pause', () => {
  it('defaults to 5 days and is edited on the policy page', async () => {
    expect(parsePolicy(FRENCH_B2B_POLICY).replyPauseDays).toBe(5);
    const t = await seedTenant(sql, [], []);
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/policy')).text();
    expect(page).toContain('Jours de pause des relances après une réponse du client');
    expect(page).toMatch(/name="replyPauseDays"[^>]*value="5"|value="5"[^>]*name="replyPauseDays"/);
  });
});

describe('a send refused for a failing address says why', () => {
  it('on the Activity page, in French', async () => {
    const t = await seedTenant(sql, [customer('c9', 'Cave Moreau')], []);
    await recordActivity(sql, t.tenant.id, { connectionId: t.connection.id, actionKey: `k-${t.tenant.id}`, kind: 'cancelled', channel: 'email', customerExternalId: 'c9', invoiceExternalIds: [], reason: 'not sent: c9@example.fr bounced', why: { code: 'address_failing', addresses: ['c9@example.fr'], since: '2026-11-20T09:00:00.000Z' } });
    const user = new Browser(app, { 'accept-language': 'fr-FR' });
    await user.signIn(t.tenant.id);
    const page = await (await user.request('/activity')).text();
    expect(page).toContain('Non envoyé : c9@example.fr non distribué depuis le 20 nov. 2026 ; corrigez l’adresse dans le logiciel comptable');
    expect(page).not.toContain('not sent: c9@example.fr bounced');
  });

  it('in French and English', () => {
    const why = { code: 'address_failing', addresses: ['gone@client.example'], since: '2026-03-16T10:00:00.000Z' };
    const policy = parsePolicy(FRENCH_B2B_POLICY);
    expect(cancelWhyText(why, DICTS.fr, 'fr', policy)).toBe('Non envoyé : gone@client.example non distribué depuis le 16 mars 2026 ; corrigez l’adresse dans le logiciel comptable');
    expect(cancelWhyText(why, DICTS.en, 'en', policy)).toMatch(/^Not sent: gone@client\.example undelivered since 16 Mar(ch)? 2026; fix the address/);
  });
});

void activePolicy;
