// The portal's statement states the penalties the latest reminder claimed, as they stand on the day of the visit
// (#22 point 2): interest to date with its rate, the €40 per invoice, the total claimed; none before such a reminder.
import { describe, expect, it } from 'vitest';
import { runEvaluation } from '../../src/collections/run.js';
import { createSite as createUi } from '../../src/http/app.js';
import { Dec } from '../../src/model/index.js';
import { issueLink } from '../../src/portal/links.js';
import { statedPenalties } from '../../src/portal/penalties.js';
import { storeRates } from '../../src/store/rates.js';
import { useIsolatedDatabase } from '../support/db.js';
import { upsertDocuments } from '../../src/store/documents.js';
import { customer, invoice, seedTenant, uiDeps } from '../http/ui/helpers.js';
import { visitor } from './visitor.js';

// Its own database: the reference rate it stores must not change what other files compute.
const { sql } = useIsolatedDatabase();
const NOW = new Date('2026-11-24T10:00:00Z');
const app = createUi(uiDeps(sql, { now: () => NOW }));
const get = (path: string) => app.request(path, { headers: { 'accept-language': 'fr-FR', 'x-forwarded-for': visitor() } });

describe('penalties on the portal', () => {
  it('shows the interest and fixed compensation of the latest reminder that claimed them, computed today, and only then', async () => {
    await storeRates(sql, 'ecb_mro', 'http://sim/ecb', [{ period: '2026-H2', value: '2.15', effectiveOn: '2026-07-01', publishedOn: '2026-06-11' }]);
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    await runEvaluation(sql, t.tenant.id, t.connection.id, NOW);
    // Before any reminder with penalties has gone out, the statement claims none.
    expect(await (await get(`/p/${token}`)).text()).not.toContain('data-penalties');

    // The firm reminder (interest + €40) as the executor leaves it once sent: the planned reminder's row, turned into
    // the firm step that states penalties for the invoice, then marked sent.
    const [planned] = await sql<{ id: string; payload: Record<string, unknown> }[]>`select id::text, payload from outbox where tenant_id = ${t.tenant.id} and kind = 'email'`;
    expect(planned, 'the evaluation plans a reminder for the overdue invoice').toBeDefined();
    const firm = { ...planned!.payload, stepId: 'firm', templateId: 'fr.firm-penalties', penalties: [{ invoiceExternalId: '1', warnings: [] }] };
    await sql`update outbox set state = 'sent', payload = ${sql.json(firm as never)} where id = ${planned!.id}`;

    const html = (await (await get(`/p/${token}`)).text()).replace(/\u00a0|\u202f/g, ' ');
    const block = html.slice(html.indexOf('data-penalties'), html.indexOf('</div>', html.indexOf('data-penalties')));
    // 900.00 × (2.15 + 10) % × 40 days (16 Oct – 24 Nov) / 365, half-up to the cent; €40 for the invoice.
    const interest = new Dec('900').times('0.1215').times(40).div(365).toDecimalPlaces(2).toFixed(2);
    expect(interest).toBe('11.98');
    expect(block).toContain('Pénalités de retard réclamées');
    expect(block).toContain('Intérêts à ce jour (taux de 12,15 % l’an)');
    expect(block).toContain('11,98 €');
    expect(block).toContain('40,00 €');
    expect(block).toContain('951,98 €');
    expect(block).toContain('L441-10');
  });

  it('claims no more the invoices paid since the reminder: their amount, interest and €40 leave the total', async () => {
    await storeRates(sql, 'ecb_mro', 'http://sim/ecb', [{ period: '2026-H2', value: '2.15', effectiveOn: '2026-07-01', publishedOn: '2026-06-11' }]);
    const t = await seedTenant(sql, [customer('c1', 'Garage Leroy')], [invoice('1', 'c1', '2026-10-15', '900.00'), invoice('2', 'c1', '2026-10-15', '300.00')]);
    const { token } = await issueLink(sql, t.tenant.id, t.connection.id, 'c1', NOW);
    await runEvaluation(sql, t.tenant.id, t.connection.id, NOW);
    const [planned] = await sql<{ id: string; payload: { invoices: { externalId: string }[] } & Record<string, unknown> }[]>`select id::text, payload from outbox where tenant_id = ${t.tenant.id} and kind = 'email'`;
    expect(planned!.payload.invoices.map((l) => l.externalId).sort()).toEqual(['1', '2']);
    const firm = { ...planned!.payload, stepId: 'firm', templateId: 'fr.firm-penalties', penalties: [{ invoiceExternalId: '1', warnings: [] }, { invoiceExternalId: '2', warnings: [] }] };
    await sql`update outbox set state = 'sent', payload = ${sql.json(firm as never)} where id = ${planned!.id}`;
    const block = async () => {
      const html = (await (await get(`/p/${token}`)).text()).replace(/\u00a0|\u202f/g, ' ');
      return html.slice(html.indexOf('data-penalties'), html.indexOf('</div>', html.indexOf('data-penalties')));
    };
    // Both open: 1,200.00 + 15.97 of interest (11.98 + 3.99, each half-up to the cent) + 2 × €40.
    expect(await block()).toContain('1 295,97 €');
    // Invoice 2 paid in the books since: only invoice 1 is claimed, as on the reminder of one invoice.
    const paid = { ...invoice('2', 'c1', '2026-10-15', '0.00'), total: '300.00', status: 'paid' as const, externalVersion: '1' };
    await upsertDocuments(sql, t.scope, 'invoice', [{ record: paid, raw: paid }]);
    const now = await block();
    expect(now).toContain('11,98 €');
    expect(now).toContain('40,00 €');
    expect(now).toContain('951,98 €');
  });

  it('states nothing, without failing, when no reminder claimed penalties or the one sent cannot be read', async () => {
    const c = customer('c1', 'Garage Leroy');
    const open = [invoice('1', 'c1', '2026-10-15', '900.00')];
    const t = await seedTenant(sql, [c], open);
    const scope = { tenantId: t.tenant.id, connectionId: t.connection.id };
    await expect(statedPenalties(sql, scope, c, open, 'fr', '2026-11-24')).resolves.toBeNull();
    // A sent reminder whose payload is not a planned action (written by an older version, say): nothing stated.
    await sql`insert into outbox (tenant_id, connection_id, idempotency_key, kind, state, due_at, payload)
      values (${t.tenant.id}, ${t.connection.id}, 'old-reminder', 'email', 'sent', now(), ${sql.json({ customerExternalId: 'c1', penalties: [{ invoiceExternalId: '1' }] } as never)})`;
    await expect(statedPenalties(sql, scope, c, open, 'fr', '2026-11-24')).resolves.toBeNull();
  });
});
