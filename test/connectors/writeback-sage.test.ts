// Sage write-back against its simulator: the attachment is looked for (by its file name or its description) before it
// is posted, and the contact-notes line is written apart from it: a status whose attachment is there but whose line a
// user removed is written again, as a write.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { sage } from '../../connectors/sage/index.js';
import { simulator } from '../../connectors/sage/simulator/index.js';
import { BLOCK_START, markerOf } from '../../connectors/sage/writeback.js';
import { ProviderUnavailable } from '../../src/connectors/errors.js';
import { openProvider } from '../../src/sync/engine.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim, server } = useSimulator(simulator.create({ seed: 33, customers: 6, invoices: 30, creditNotes: 2, payments: 4 }));
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
    expect(att).toMatchObject({ fileName: `relance-${inv.number.replace(/[^A-Za-z0-9-]/g, '')}-2026-11-22-${markerOf(s.key).slice(1)}.pdf`, description: `Relance: reminder-2 (email) 2026-11-22 ${markerOf(s.key)}`, isPublic: false, mimeType: 'application/pdf' });
    expect(att!.text).toBe([`Relance — collections status of ${inv.number}`, 'Date: 2026-11-22', 'Step: reminder-2', 'Channel: email', 'Summary: Relance reminder-2', 'Promised payment: 2026-12-20', `Reference: ${markerOf(s.key)}`].join('\n'));
    expect(inv.contact.notes).toContain(`${inv.number}: 2026-11-22 reminder-2 (email) Relance reminder-2 · promise 2026-12-20 ${markerOf(s.key)}`);
  });

  it('finds the status’s attachment past the first page of the invoice’s attachments', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[3]!;
    const inv = lead.invoices.get(id)!;
    const file = Buffer.from('%PDF-1.3 scan', 'utf8').toString('base64');
    for (let i = 0; i < 200; i++) {
      await ctx.http.post('/attachments', { attachment: { file, file_name: `scan-${i}.pdf`, mime_type: 'application/pdf', attachment_context_type_id: 'SALES_INVOICE', attachment_context_id: id } });
    }
    const s = status(id, 'firm');
    expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(false);
    expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(true);
    expect(inv.attachments.filter((a) => a.fileName.includes(markerOf(s.key).slice(1)))).toHaveLength(1);
  });

  it('writes the notes once when they take, and three times at most when a user’s edits keep replacing them', async () => {
    const ctx = await context();
    const [calm, busy] = sim.scenario.openInvoices().slice(4, 6);
    const puts: string[] = [];
    server.use(http.put(`${sim.baseUrls.api}/contacts/:id`, ({ params }) => void puts.push(String(params['id']))));
    await sage.writeback!.writeStatus(ctx, calm!, status(calm!, 'firm'));
    expect(puts).toEqual([lead.invoices.get(calm!)!.contact.id]);
    puts.length = 0;
    // Every read of this contact finds the user's own text only: our line never stays.
    const contact = lead.invoices.get(busy!)!.contact;
    server.use(
      http.get(`${sim.baseUrls.api}/contacts/:id`, ({ params }) => {
        if (params['id'] === contact.id) contact.notes = 'The user’s own notes, edited again.';
      }),
    );
    const s = status(busy!, 'firm');
    expect((await sage.writeback!.writeStatus(ctx, busy!, s)).alreadyPresent).toBe(false);
    expect(puts).toHaveLength(3);
    // The attachment is there, the line is not: still a write, not something already present.
    expect((await sage.writeback!.writeStatus(ctx, busy!, s)).alreadyPresent).toBe(false);
  });

  it('an invoice with no contact gets its attachment and no notes; a retry finds the attachment and calls it present', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[6]!;
    for (const contact of [undefined, {}]) {
      server.use(http.get(`${sim.baseUrls.api}/sales_invoices/:id`, () => HttpResponse.json({ id, invoice_number: `SI-${contact ? 'B' : 'A'}`, displayed_as: 'x', ...(contact ? { contact } : {}) })));
      const s = status(id, contact ? 'with-empty-contact' : 'without-contact');
      expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(false);
      expect((await sage.writeback!.writeStatus(ctx, id, s)).alreadyPresent).toBe(true);
    }
    expect(lead.invoices.get(id)!.attachments.filter((a) => a.deletedMs === null)).toHaveLength(2);
  });

  it('the attachment: a one-page PDF, its name cleaned of the number’s other characters, its description cut at 200; no promise, no promise line', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[7]!;
    const inv = lead.invoices.get(id)!;
    inv.number = 'SI/2026 07';
    const bodies: Record<string, unknown>[] = [];
    server.use(http.post(`${sim.baseUrls.api}/attachments`, async ({ request }) => void bodies.push(((await request.clone().json()) as { attachment: Record<string, unknown> }).attachment)));
    const s = { ...status(id, 'x'.repeat(250)), promisedPaymentDate: null };
    await sage.writeback!.writeStatus(ctx, id, s);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ file_name: `relance-SI202607-2026-11-22-${markerOf(s.key).slice(1)}.pdf`, mime_type: 'application/pdf', file_extension: '.pdf' });
    expect(Buffer.from(String(bodies[0]!['file']), 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(String(bodies[0]!['description'])).toBe(`Relance: ${s.step} (email) 2026-11-22 ${markerOf(s.key)}`.slice(0, 200));
    // The page wraps the long step and summary: the words are compared without the line breaks.
    expect(inv.attachments.at(-1)!.text.replace(/\n/g, '')).toBe([`Relance — collections status of SI/2026 07`, 'Date: 2026-11-22', `Step: ${s.step}`, 'Channel: email', `Summary: Relance ${s.step}`, `Reference: ${markerOf(s.key)}`].join(''));
  });

  it('the simulator takes the files Sage’s guide names (PDF, JPG, PNG) and refuses a text file, as nothing of ours relies on it', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[8]!;
    const post = (mime: string) => ctx.http.post('/attachments', { attachment: { file: Buffer.from('x').toString('base64'), file_name: 'f', mime_type: mime, attachment_context_type_id: 'SALES_INVOICE', attachment_context_id: id } }, { once: true });
    for (const mime of ['application/pdf', 'image/jpeg', 'image/png']) expect((await post(mime)).status, mime).toBe(201);
    await expect(post('text/plain')).rejects.toThrow(/Mime type is not supported/);
  });

  it('the attachment is posted once: an outage answering it fails the write, for a retry that looks first', async () => {
    const ctx = await context();
    const id = sim.scenario.openInvoices()[8]!;
    let posts = 0;
    server.use(
      http.post(`${sim.baseUrls.api}/attachments`, () => {
        posts++;
        return HttpResponse.text('bad gateway', { status: 502 });
      }),
    );
    await expect(sage.writeback!.writeStatus(ctx, id, status(id, 'firm'))).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(posts).toBe(1);
  });
});

