// The sending path with the company profile from the store: a formal notice whose sender's identity is incomplete is held
// (not sent, not failed) with the reason in the company's language, logged and alerted once, and goes out by itself once
// the profile is complete, carrying it; every email carries the identity footer.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeDue } from '../../src/actions/executor.js';
import { storeLookups } from '../../src/actions/store-lookups.js';
import { CompanyProfileData } from '../../src/model/company-profile.js';
import { getLetter, listActivity } from '../../src/store/activity.js';
import { saveCompanyProfile } from '../../src/store/company-profiles.js';
import { useDatabase } from '../support/db.js';
import { NOW, customer, invoice, makeDeps, outboxRows, plan, seed } from './fixtures.js';
import { useSmtpSink } from './smtp-sink.js';

const sql = useDatabase();
const sink = useSmtpSink();

const PROFILE = CompanyProfileData.parse({ country: 'FR', legalName: 'Atelier Lumière SARL', legalForm: 'SARL', shareCapital: '8000', siren: '732829320', rcsCity: 'Lyon', vatNumber: 'FR44732829320', addressLine1: '3 place Bellecour', postalCode: '69002', city: 'Lyon', contactName: 'Claire Martin', contactEmail: 'compta@lumiere.example' });
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

describe('letters held for the company profile', () => {
  it('holds the mise en demeure until the profile is complete, says why in French once, then sends it with the identity', async () => {
    const s = await seed(sql, { customers: [customer('m1', { name: 'Garage Leroy' })], invoices: [invoice('mi', 'm1', { dueDate: '2026-02-13' })], delivered: { mi: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    const run = await plan(sql, s);
    expect(run.keys).toHaveLength(1);
    // The profile as the service reads it: from the store (nothing saved yet: the tenant's name only).
    const deps = makeDeps(sql, sink.port, storeLookups(sql));

    const first = await executeDue(deps, s.tenantId, NOW);
    expect(first).toMatchObject({ sent: 0, failed: 0, heldForProfile: 1 });
    let row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === run.keys[0])!;
    expect(row.state).toBe('planned');
    expect(row.due_at.getTime()).toBe(hours(1).getTime());
    expect(row.last_error).toContain('Courrier retenu : le profil de l’entreprise est incomplet (raison sociale, adresse du siège, SIREN, ville du greffe (RCS), forme juridique)');
    expect(await getLetter(sql, s.tenantId, run.keys[0]!)).toBeNull();
    expect(deps.alerts.map((a) => a.kind)).toEqual(['letter_held']);

    // An hour later, still incomplete: still held, not logged again.
    expect(await executeDue(deps, s.tenantId, hours(2))).toMatchObject({ sent: 0, heldForProfile: 1 });
    const held = (await listActivity(sql, s.tenantId, {})).filter((a) => a.kind === 'held');
    expect(held).toHaveLength(1);
    expect(held[0]!.reason).toMatch(/^Courrier retenu/);
    // The same cause alerts under the same key, so the alert sink keeps one.
    expect(new Set(deps.alerts.map((a) => a.key)).size).toBe(1);

    await saveCompanyProfile(sql, s.tenantId, PROFILE, 'claire');
    expect(await executeDue(deps, s.tenantId, hours(4))).toMatchObject({ sent: 1, heldForProfile: 0 });
    row = (await outboxRows(sql, s.tenantId)).find((r) => r.idempotency_key === run.keys[0])!;
    expect(row.state).toBe('sent');
    const letter = await getLetter(sql, s.tenantId, run.keys[0]!);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: letter!.pdf }).toString().replace(/\u00a0/g, ' ');
    for (const m of ['Atelier Lumière SARL', 'SARL au capital de 8 000,00 €', 'SIREN 732 829 320 RCS Lyon', 'FR44732829320', '3 place Bellecour', 'Lettre recommandée avec accusé de réception', 'MISE EN DEMEURE', 'Madame, Monsieur,', 'Claire Martin']) expect(text).toContain(m);
  });

  it('holds a letter to a customer without a postal address, naming the customer', async () => {
    const s = await seed(sql, { customers: [customer('n1', { name: 'Sans Adresse SA', address: null })], invoices: [invoice('ni', 'n1', { dueDate: '2026-02-13' })], delivered: { ni: { 'reminder-1': '2026-02-16', 'reminder-2': '2026-02-20', firm: '2026-02-27' } } });
    await saveCompanyProfile(sql, s.tenantId, PROFILE, 'claire');
    await plan(sql, s);
    const deps = makeDeps(sql, sink.port, storeLookups(sql));
    expect(await executeDue(deps, s.tenantId, NOW)).toMatchObject({ sent: 0, heldForProfile: 1 });
    expect(deps.alerts[0]!.message).toContain('le client Sans Adresse SA n’a pas d’adresse postale');
    expect(deps.alerts[0]!.message).not.toContain('profil');
  });

  it('adds the identity footer under every email, in text and HTML', async () => {
    const s = await seed(sql, { customers: [customer('e1', { name: 'Boulangerie Martin', email: 'paie@footer.example' })], invoices: [invoice('ei', 'e1', { dueDate: '2026-03-10' })] });
    await saveCompanyProfile(sql, s.tenantId, PROFILE, 'claire');
    await plan(sql, s);
    expect(await executeDue(makeDeps(sql, sink.port, storeLookups(sql)), s.tenantId, NOW)).toMatchObject({ sent: 1 });
    const m = sink.messages.find((x) => x.rcptTo.includes('paie@footer.example'))!;
    const legal = 'Atelier Lumière SARL – SARL au capital de 8 000,00 € – Siège social : 3 place Bellecour, 69002 Lyon – SIREN 732 829 320 RCS Lyon – N° TVA intracommunautaire FR44732829320';
    expect(m.text.replace(/\u00a0/g, ' ')).toContain(`Claire Martin · compta@lumiere.example\n${legal}`);
    expect(m.html.replace(/\u00a0/g, ' ')).toContain(legal);
  });
});
