// Xero's online invoice, the document a reminder and the portal link to: read one invoice at a time when a message
// names it (GET /Invoices/{id}/OnlineInvoice), none for a draft, kept for the portal, and put in the email.
import { describe, expect, it } from 'vitest';
import { xero } from '../../connectors/xero/index.js';
import { createXeroSimulator } from '../../connectors/xero/simulator/index.js';
import { documentLinks, saveDocumentLinks } from '../../src/store/document-links.js';
import { openProvider, syncConnection } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim } = useSimulator(createXeroSimulator({ seed: 23, customers: 5, invoices: 30, creditNotes: 0, payments: 5, limits: { perMinute: 100_000, perDay: 1_000_000, appPerMinute: 1_000_000 } }));
const deps = syncDeps(sql);

describe('Xero online invoices', () => {
  it('gives the online invoice of an approved sales invoice, none for a draft or an unknown one, and the store keeps them for 30 days', async () => {
    const c = await connectTo(sql, xero, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    const open = sim.scenario.openInvoices();
    const draft = sim.data.create('Invoice', { Type: 'ACCREC', Status: 'DRAFT', Contact: { ContactID: String(sim.data.list('Contact')[0]!['ContactID']) }, LineItems: [{ Description: 'Brouillon', Quantity: 1, UnitAmount: 10 }] });
    const draftId = String(draft['InvoiceID']);
    const { connector, context } = await openProvider(deps, c.tenant.id, c.connection.id);
    const links = await connector.documentLinks!(context, [open[0]!, open[1]!, draftId, '00000000-0000-0000-0000-000000000000']);
    expect(Object.keys(links).sort()).toEqual([open[0]!, open[1]!].sort());
    for (const url of Object.values(links)) expect(url).toMatch(/^https:\/\/in\.xero\.com\/[A-Za-z0-9]{40}$/);
    expect(links[open[0]!]).not.toBe(links[open[1]!]);
    // The same invoice, the same page.
    expect((await connector.documentLinks!(context, [open[0]!]))[open[0]!]).toBe(links[open[0]!]);

    const now = new Date('2026-12-01T10:00:00Z');
    await saveDocumentLinks(sql, c.tenant.id, c.connection.id, links, now);
    expect((await documentLinks(sql, c.tenant.id, c.connection.id, [open[0]!, draftId], now)).get(open[0]!)).toBe(links[open[0]!]);
    expect((await documentLinks(sql, c.tenant.id, c.connection.id, [open[0]!], new Date('2027-01-05T10:00:00Z'))).size).toBe(0);
    // Another company sees none of them.
    const other = await connectTo(sql, xero, sim);
    expect((await documentLinks(sql, other.tenant.id, other.connection.id, [open[0]!], now)).size).toBe(0);
  });
});
