// Portal links on the real database, through the real app where a customer would see the difference: how long a
// reminder's link opens the statement, one link per reminder and per company, the short link of a letter typed back,
// the address an operator's PUBLIC_URL gives, the first visit, and the visits a link and an address may make.
import { describe, expect, it } from 'vitest';
import { createSite as createUi } from '../../src/http/app.js';
import { letterLinkForAction, linkForAction, linkSummary, portalUrl, resolveLink, wellFormed, issueLink } from '../../src/portal/links.js';
import { listActivity } from '../../src/store/activity.js';
import { useDatabase } from '../support/db.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { visitor } from './visitor.js';

const sql = useDatabase();
const NOW = new Date('2026-11-24T10:00:00Z');
const DAY = 86_400_000;
const app = createUi(uiDeps(sql, { now: () => NOW }));
const KEY = Buffer.alloc(32, 5);
/** A visit from an address of its own (the per-address limit is not what these tests are about). */
const get = (path: string, ip = visitor()) => app.request(path, { headers: { 'accept-language': 'fr-FR', 'x-forwarded-for': ip } });

async function company() {
  const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
  return { t, scope: { tenantId: t.tenant.id, connectionId: t.connection.id, customerExternalId: 'c1' } };
}

describe('the link a reminder carries', () => {
  it('opens the statement for 90 days from the first send, not after', async () => {
    const { scope } = await company();
    const token = await linkForAction(sql, KEY, scope, 'reminder-1', NOW);
    expect((await resolveLink(sql, token, new Date(NOW.getTime() + 89 * DAY)))?.customerExternalId).toBe('c1');
    expect(await resolveLink(sql, token, new Date(NOW.getTime() + 91 * DAY))).toBeNull();
    const letter = await letterLinkForAction(sql, KEY, scope, 'letter-1', NOW);
    expect((await resolveLink(sql, letter, new Date(NOW.getTime() + 89 * DAY)))?.customerExternalId).toBe('c1');
    expect(await resolveLink(sql, letter, new Date(NOW.getTime() + 91 * DAY))).toBeNull();
  });

  it('is one link per reminder and per company: another reminder, or another company’s reminder of the same key, gets its own', async () => {
    const a = await company();
    const b = await company();
    const first = await linkForAction(sql, KEY, a.scope, 'reminder-1', NOW);
    const second = await linkForAction(sql, KEY, a.scope, 'reminder-2', NOW);
    const foreign = await linkForAction(sql, KEY, b.scope, 'reminder-1', NOW);
    expect(new Set([first, second, foreign]).size).toBe(3);
    expect((await resolveLink(sql, foreign, NOW))?.tenantId).toBe(b.t.tenant.id);
    expect((await resolveLink(sql, second, NOW))?.tenantId).toBe(a.t.tenant.id);
    const letters = [await letterLinkForAction(sql, KEY, a.scope, 'letter-1', NOW), await letterLinkForAction(sql, KEY, a.scope, 'letter-2', NOW), await letterLinkForAction(sql, KEY, b.scope, 'letter-1', NOW)];
    expect(new Set(letters).size).toBe(3);
    expect((await resolveLink(sql, letters[2]!, NOW))?.tenantId).toBe(b.t.tenant.id);
  });

  it('is addressed under PUBLIC_URL with one slash, whatever slashes the operator ended it with', () => {
    expect(portalUrl('https://relance.example', 'tok')).toBe('https://relance.example/p/tok');
    expect(portalUrl('https://relance.example/', 'tok')).toBe('https://relance.example/p/tok');
    expect(portalUrl('https://relance.example/relance//', 'tok')).toBe('https://relance.example/relance/p/tok');
  });
});

describe('the short link of a letter, typed by hand', () => {
  it('reads I and L as 1, O as 0, and any dashes, even one between every character', async () => {
    const { scope } = await company();
    // A letter whose link holds a 1 and a 0, the characters a person reads as I, L or O.
    let printed = '';
    for (let i = 0; i < 100 && !(printed.includes('1') && printed.includes('0')); i++) printed = await letterLinkForAction(sql, KEY, scope, `letter-${i}`, NOW);
    expect(printed).toMatch(/1.*0|0.*1/);
    const bare = printed.replace(/-/g, '');
    const typed = [bare.replace(/1/g, 'I'), bare.replace(/1/g, 'l').toLowerCase(), bare.replace(/0/g, 'o'), bare.split('').join('-'), bare.split('').join(' ')];
    for (const form of typed) expect((await resolveLink(sql, form, NOW))?.customerExternalId, form).toBe('c1');
  });

  it('a shape no link has is refused before any look-up; the shapes we hand out are not', () => {
    const long = 'A'.repeat(43);
    for (const good of [long, 'abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE', '7K3M-9QXD-A2BC-DEFG-HJKM-NPQR-ST', '7k3m 9qxd a2bc defg hjkm npqr st']) expect(wellFormed(good), good).toBe(true);
    for (const bad of [`x/${long}`, `${long}/x`, `${long}A`, long.slice(1), '7K3M-9QXD-A2BC-DEFG-HJKM-NPQR-S', '7K3M-9QXD-A2BC-DEFG-HJKM-NPQR-STV', '7K3M-9QXD-A2BC-DEFG-HJKM-NPQR-SU', '']) expect(wellFormed(bad), bad).toBe(false);
  });
});

describe('the first visit', () => {
  it('is in the activity log from the first visit on, once per link', async () => {
    const { t } = await company();
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    const viewed = async () => (await listActivity(sql, t.tenant.id, { customerExternalId: 'c1' })).filter((a) => a.kind === 'viewed');
    expect(await viewed()).toEqual([]);
    expect((await get(`/p/${token}`)).status).toBe(200);
    // Tied to its link (one per reminder), so the log tells which hand-out was opened.
    const link = (await resolveLink(sql, token, NOW))!;
    expect(await viewed()).toEqual([expect.objectContaining({ channel: 'portal', actionKey: `portal-view/${link.linkId}` })]);
    expect((await linkSummary(sql, t.tenant.id, t.connection.id, 'c1', NOW)).lastViewed).toEqual(NOW);
    await get(`/p/${token}`);
    expect(await viewed()).toHaveLength(1);
    // A second link (the next reminder) is a visit of its own.
    const next = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    await get(`/p/${next.token}`);
    expect(await viewed()).toHaveLength(2);
  });
});

describe('visits a link and an address may make', () => {
  it('a link opens 60 times in ten minutes; the 61st is refused with 429', async () => {
    const { t } = await company();
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    for (let i = 1; i <= 60; i++) expect((await get(`/p/${token}`)).status, `visit ${i}`).toBe(200);
    expect((await get(`/p/${token}`)).status).toBe(429);
  });
});
