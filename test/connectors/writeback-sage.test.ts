// Sage write-back against its simulator: the attachment is looked for (by its file name or its description) before it
// is posted, and the contact-notes line is written apart from it: a status whose attachment is there but whose line a
// user removed is written again, as a write.
import { describe, expect, it } from 'vitest';
import { sage } from '../../connectors/sage/index.js';
import { simulator } from '../../connectors/sage/simulator/index.js';
import { BLOCK_START, markerOf } from '../../connectors/sage/writeback.js';
import { openProvider } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim } = useSimulator(simulator.create({ seed: 33, customers: 6, invoices: 30, creditNotes: 2, payments: 4 }));
sim.liftQuotas();
const deps = syncDeps(sql);
const lead = sim.data.business();

const status = (id: string, step: string) => ({ key: `t|inv:${id}|${step}|v1`, step, channel: 'email', date: '2026-11-22', summary: `Relance ${step}` });

async function context() {
  const c = await connectTo(sql, sage, sim);
  return (await openProvider(deps, c.tenant.id, c.connection.id)).context;
}

describe('Sage write-back', () => {
  it('a status whose attachment is there but whose notes line a user removed: the line is written again, as a write, and no second attachment', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[0]!;
    const inv = lead.invoices.get(id)!;
    const s = status(id, 'firm');
    expect(await sage.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `attachment ${markerOf(s.key)}`, alreadyPresent: false });
    expect(inv.contact.notes).toContain(BLOCK_START);
    inv.contact.notes = 'Only my own text now.';
    expect(await sage.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `attachment ${markerOf(s.key)}`, alreadyPresent: false });
    expect(inv.contact.notes.startsWith('Only my own text now.\n\n')).toBe(true);
    expect(inv.contact.notes).toContain(markerOf(s.key));
    expect(inv.attachments.filter((a) => a.deletedMs === null)).toHaveLength(1);
    expect(await sage.writeback!.writeStatus(ctx, id, s)).toEqual({ proof: `attachment ${markerOf(s.key)}`, alreadyPresent: true });
  });

  it('an attachment of the status is recognised by its description as well as by its file name', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[1]!;
    const inv = lead.invoices.get(id)!;
    const s = status(id, 'friendly');
    await sage.writeback!.writeStatus(ctx, id, s);
    // A user renames the file in Sage: the description still carries the marker.
    inv.attachments[0]!.fileName = 'renamed.txt';
    expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(true);
    expect(inv.attachments.filter((a) => a.deletedMs === null)).toHaveLength(1);
    // Or edits the description: the file name still does.
    inv.attachments[0]!.fileName = `relance-x-${markerOf(s.key).slice(1)}.txt`;
    inv.attachments[0]!.description = 'edited';
    expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(true);
    expect(inv.attachments.filter((a) => a.deletedMs === null)).toHaveLength(1);
  });

  it('names the invoice by its number in the notes line and the file, and names the attachment after the status', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[2]!;
    const inv = lead.invoices.get(id)!;
    const s = { ...status(id, 'reminder-2'), promisedPaymentDate: '2026-12-20' };
    await sage.writeback!.writeStatus(ctx, id, s);
    const [att] = inv.attachments;
    expect(att).toMatchObject({ fileName: `relance-${inv.number.replace(/[^A-Za-z0-9-]/g, '')}-2026-11-22-${markerOf(s.key).slice(1)}.txt`, description: `Relance: reminder-2 (email) 2026-11-22 ${markerOf(s.key)}`, isPublic: false, mimeType: 'text/plain' });
    expect(att!.text).toBe([`Relance — collections status of ${inv.number}`, 'Date: 2026-11-22', 'Step: reminder-2', 'Channel: email', 'Summary: Relance reminder-2', 'Promised payment: 2026-12-20', `Reference: ${markerOf(s.key)}`].join('\n'));
    expect(inv.contact.notes).toContain(`${inv.number}: 2026-11-22 reminder-2 (email) Relance reminder-2 · promise 2026-12-20 ${markerOf(s.key)}`);
  });
});
