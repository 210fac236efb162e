// Pennylane write-back against its simulator: our category group at install, read-merge-write that keeps the company's
// own categories (also when they change between our read and our write), the appendix audit trail, and never
// mark_as_paid or send_by_email.
import { describe, expect, it } from 'vitest';
import { pennylane } from '../../connectors/pennylane/index.js';
import { simulator } from '../../connectors/pennylane/simulator/index.js';
import { GROUP_LABEL, categoryLabel } from '../../connectors/pennylane/writeback.js';
import type { CollectionsStatus } from '../../src/connectors/types.js';
import { openProvider } from '../../src/sync/engine.js';
import { installWriteback } from '../../src/sync/install.js';
import { watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';

const sql = useDatabase();
const { sim, server } = useSimulator(simulator.create({ seed: 21, customers: 6, invoices: 30, payments: 6, creditNotes: 2 }));
sim.liftQuotas();
const deps = syncDeps(sql);
const traffic = watchTraffic(server, Date.now);
const api = () => traffic.to(sim.baseUrls.api);

const status = (tenant: string, id: string, step: string, summary: string): CollectionsStatus => ({ key: `${tenant}|inv:${id}|${step}|v1`, step, channel: 'email', date: '2026-11-22', summary });
type Cat = { id: number; label: string; weight: string; category_group: { id: number } };
const categoriesOf = (id: string) => sim.data.categories(id) as unknown as Cat[];
const ourGroupId = async (http: { get: <T>(p: string) => Promise<{ data: T }> }) => (await http.get<{ items: { id: number; label: string }[] }>('/category_groups')).data.items.filter((g) => g.label === GROUP_LABEL);

async function connected() {
  const c = await connectTo(sql, pennylane, sim);
  const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
  return { ...c, context };
}

describe('Pennylane write-back', () => {
  it('creates our category group once, at install; a second install (a reconnect) finds it', async () => {
    const c = await connected();
    expect(await ourGroupId(c.context.http)).toEqual([]);
    expect(await installWriteback(deps, c.tenant.id, c.connection.id)).toBeNull();
    const once = await ourGroupId(c.context.http);
    expect(once).toHaveLength(1);
    expect(await installWriteback(deps, c.tenant.id, c.connection.id)).toBeNull();
    expect(await ourGroupId(c.context.http)).toEqual(once);
  });

  it('files the invoice under its step in our group, keeping the company’s own categories and weights; a later step replaces ours only', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices().find((i) => categoriesOf(i).length > 0)!;
    const theirs = categoriesOf(id).map((x) => ({ id: x.id, weight: x.weight }));
    expect(theirs.length).toBeGreaterThan(0);

    expect((await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'friendly', 'Rappel amiable envoyé'))).alreadyPresent).toBe(false);
    const after = categoriesOf(id);
    expect(after.filter((x) => x.label.startsWith('Relance')).map((x) => [x.label, x.weight])).toEqual([[categoryLabel('friendly'), '1']]);
    expect(after.filter((x) => !x.label.startsWith('Relance')).map((x) => ({ id: x.id, weight: x.weight }))).toEqual(theirs);

    await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'firm', 'Relance ferme envoyée'));
    const later = categoriesOf(id);
    expect(later.filter((x) => x.label.startsWith('Relance')).map((x) => x.label)).toEqual([categoryLabel('firm')]);
    expect(later.filter((x) => !x.label.startsWith('Relance')).map((x) => ({ id: x.id, weight: x.weight }))).toEqual(theirs);
  });

  it('a category change by the user between our read and our write is seen before writing and merged, not overwritten', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[5]!;
    await installWriteback(deps, c.tenant.id, c.connection.id);
    const edit = sim.editCategoriesAfterRead(id);
    traffic.reset();
    expect((await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'firm', 'Relance ferme envoyée'))).alreadyPresent).toBe(false);
    expect(edit.kept()).toBe(true);
    expect(categoriesOf(id).map((x) => x.label)).toContain(categoryLabel('firm'));
    // Read, the change seen on the check read, read again, check again, then one write.
    const categoryCalls = api().filter((e) => e.url.includes(`/customer_invoices/${id}/categories`)).map((e) => e.method);
    expect(categoryCalls).toEqual(['GET', 'GET', 'GET', 'GET', 'PUT']);
  });

  it('attaches one appendix per status as the audit trail; a retry finds it and writes nothing', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[7]!;
    const s = { ...status(c.tenant.id, id, 'formal_notice', 'Mise en demeure envoyée par lettre recommandée'), promisedPaymentDate: '2026-12-15' };
    expect((await pennylane.writeback!.writeStatus(c.context, id, s)).alreadyPresent).toBe(false);
    const trail = sim.scenario.writtenStatus(id);
    expect(trail).toContain('Mise en demeure envoyée par lettre recommandée');
    expect(trail).toContain('2026-12-15');
    expect(trail).toMatch(/relance-2026-11-22-formal_notice-[0-9a-f]{12}\.txt/);
    traffic.reset();
    expect((await pennylane.writeback!.writeStatus(c.context, id, s)).alreadyPresent).toBe(true);
    expect(api().filter((e) => e.method !== 'GET')).toEqual([]);
    expect(sim.scenario.writtenStatus(id)).toBe(trail);
  });

  it('never calls mark_as_paid or send_by_email, and writes nothing on a draft', async () => {
    const c = await connected();
    traffic.reset();
    for (const [k, id] of sim.scenario.openInvoices().slice(10, 14).entries()) {
      await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, k % 2 ? 'firm' : 'friendly', `Relance ${k}`));
    }
    const customerId = sim.scenario.invoice(sim.scenario.openInvoices()[0]!)!.customerId;
    const draft = sim.data.create('invoice', { customer_id: Number(customerId), draft: true, lines: [{ label: 'Brouillon', unit_price: '100.00' }] });
    expect(draft['draft']).toBe(true);
    await expect(pennylane.writeback!.writeStatus(c.context, String(draft!['id']), status(c.tenant.id, String(draft!['id']), 'firm', 'x'))).rejects.toThrow(/draft/);
    expect(api().filter((e) => e.url.includes(`/customer_invoices/${String(draft!['id'])}/`) && e.method !== 'GET')).toEqual([]);
    expect(api().filter((e) => /mark_as_paid|send_by_email/.test(e.url))).toEqual([]);
    expect(sim.stats.forbiddenWrites).toBe(0);
  });
});
