// Pennylane write-back against its simulator: our category group at install, read-merge-write that keeps the company's
// own categories (also when they change between our read and our write), the appendix audit trail, and never
// mark_as_paid or send_by_email.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { pennylane } from '../../connectors/pennylane/index.js';
import { simulator } from '../../connectors/pennylane/simulator/index.js';
import { GROUP_LABEL, MERGE_ATTEMPTS, categoryLabel, markerOf } from '../../connectors/pennylane/writeback.js';
import { ProviderUnavailable, StaleVersion } from '../../src/connectors/errors.js';
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

/** The ids of every group labelled as ours, through every page of the list. */
async function allOurGroups(http: { get: <T>(p: string, o?: { params?: Record<string, string | number> }) => Promise<{ data: T }> }) {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const { data }: { data: { items: { id: number; label: string }[]; has_more: boolean; next_cursor: string | null } } = await http.get('/category_groups', { params: cursor ? { limit: 100, cursor } : { limit: 100 } });
    ids.push(...data.items.filter((g) => g.label === GROUP_LABEL).map((g) => g.id));
    cursor = data.has_more ? data.next_cursor : null;
  } while (cursor);
  return ids.sort((a, b) => a - b);
}

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

  it('a user who changes the categories after every read: three attempts (six reads), no write, and the write is given up as stale', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[6]!;
    await installWriteback(deps, c.tenant.id, c.connection.id);
    const edit = sim.editCategoriesAfterRead(id, 50);
    traffic.reset();
    await expect(pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'firm', 'Relance ferme envoyée'))).rejects.toBeInstanceOf(StaleVersion);
    const categoryCalls = api().filter((e) => e.url.includes(`/customer_invoices/${id}/categories`)).map((e) => e.method);
    expect(categoryCalls).toEqual(Array.from({ length: 2 * MERGE_ATTEMPTS }, () => 'GET'));
    expect(MERGE_ATTEMPTS).toBe(3);
    // Nothing of ours was written over the user's last change.
    expect(edit.kept()).toBe(true);
    expect(categoriesOf(id).map((x) => x.label)).not.toContain(categoryLabel('firm'));
  });

  it('a change of weights only, between our read and our write, is seen and kept, not overwritten with the weights first read', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[8]!;
    await installWriteback(deps, c.tenant.id, c.connection.id);
    // The company splits the invoice between two of its own categories, 30/70; right after our first read, 50/50.
    const groups = (await c.context.http.get<{ items: { id: number; label: string }[] }>('/category_groups')).data.items;
    const activity = groups.find((g) => g.label === 'Activité')!;
    const [a, b] = (await c.context.http.get<{ items: { id: number }[] }>(`/category_groups/${activity.id}/categories`)).data.items;
    await c.context.http.put(`/customer_invoices/${id}/categories`, [{ id: a!.id, weight: '0.3' }, { id: b!.id, weight: '0.7' }]);
    const reweigh = sim.reweighCategoriesAfterRead(id, { [a!.id]: '0.5', [b!.id]: '0.5' });
    traffic.reset();
    expect((await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'firm', 'Relance ferme envoyée'))).alreadyPresent).toBe(false);
    expect(reweigh.done()).toBe(true);
    expect(categoriesOf(id).map((x) => [x.id, x.weight])).toEqual([[a!.id, '0.5'], [b!.id, '0.5'], [expect.any(Number), '1']]);
    expect(categoriesOf(id).at(-1)?.label).toBe(categoryLabel('firm'));
    // The change seen on the check read: read again, check again, then one write.
    expect(api().filter((e) => e.url.includes(`/customer_invoices/${id}/categories`)).map((e) => e.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'PUT']);
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

  it('two installs that raced left two groups of ours: the first one made is used, and no third is made', async () => {
    const c = await connected();
    for (let i = 0; i < 2; i++) await c.context.http.post('/category_groups', { label: GROUP_LABEL });
    const groups = await allOurGroups(c.context.http);
    expect(groups.length).toBeGreaterThanOrEqual(2);
    const id = sim.scenario.openInvoices()[15]!;
    await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'friendly', 'Rappel'));
    expect(categoriesOf(id).filter((x) => x.label === categoryLabel('friendly')).map((x) => x.category_group.id)).toEqual([Math.min(...groups)]);
    expect(await allOurGroups(c.context.http)).toEqual(groups);
  });

  it('finds our group past the first page of a long list of groups (newest first), instead of making another', async () => {
    const c = await connected();
    await installWriteback(deps, c.tenant.id, c.connection.id);
    const ours = await allOurGroups(c.context.http);
    // A hundred groups made after ours push ours off the first page.
    for (let i = 0; i < 100; i++) await c.context.http.post('/category_groups', { label: `Projet ${i}` });
    const firstPage = (await c.context.http.get<{ items: { label: string }[] }>('/category_groups', { params: { limit: 100 } })).data.items;
    expect(firstPage.some((g) => g.label === GROUP_LABEL)).toBe(false);
    const id = sim.scenario.openInvoices()[16]!;
    await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, 'friendly', 'Rappel'));
    expect(await allOurGroups(c.context.http)).toEqual(ours);
    expect(categoriesOf(id).filter((x) => x.label === categoryLabel('friendly')).map((x) => x.category_group.id)).toEqual([ours[0]]);
  });

  it('a user who took the invoice out of our category has it filed again by the next write of the status, without a second appendix', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[17]!;
    const s = status(c.tenant.id, id, 'firm', 'Relance ferme envoyée');
    expect((await pennylane.writeback!.writeStatus(c.context, id, s)).alreadyPresent).toBe(false);
    const trail = sim.scenario.writtenStatus(id);
    const theirs = categoriesOf(id).filter((x) => !x.label.startsWith('Relance')).map((x) => ({ id: x.id, weight: x.weight }));
    await c.context.http.put(`/customer_invoices/${id}/categories`, theirs);
    expect(categoriesOf(id).some((x) => x.label === categoryLabel('firm'))).toBe(false);
    expect((await pennylane.writeback!.writeStatus(c.context, id, s)).alreadyPresent).toBe(false);
    expect(categoriesOf(id).some((x) => x.label === categoryLabel('firm'))).toBe(true);
    expect(sim.scenario.writtenStatus(id)).toBe(trail);
  });

  it('proves a write by its appendix’s marker, and names a numberless draft by its id', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[20]!;
    const s = status(c.tenant.id, id, 'firm', 'x');
    expect(await pennylane.writeback!.writeStatus(c.context, id, s)).toEqual({ proof: `appendix ${markerOf(s.key)}`, alreadyPresent: false });
    const customerId = sim.scenario.invoice(id)!.customerId;
    // Pennylane gives a draft an empty number, not null.
    const created = sim.data.create('invoice', { customer_id: Number(customerId), draft: true, lines: [{ label: 'Brouillon', unit_price: '10.00' }] });
    expect(created['invoice_number']).toBe('');
    const draft = String(created['id']);
    await expect(pennylane.writeback!.writeStatus(c.context, draft, status(c.tenant.id, draft, 'firm', 'x'))).rejects.toThrow(`invoice ${draft} is a draft in Pennylane: nothing written back`);
  });

  it('asks a hundred to a page, and makes a step’s category with a code of at most 40 characters', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[21]!;
    const limits: (string | null)[] = [];
    const made: Record<string, unknown>[] = [];
    server.use(
      http.get(`${sim.baseUrls.api}/customer_invoices/:id/appendices`, ({ request }) => void limits.push(new URL(request.url).searchParams.get('limit'))),
      http.post(`${sim.baseUrls.api}/categories`, async ({ request }) => void made.push((await request.clone().json()) as Record<string, unknown>)),
    );
    const step = `step-with-a-long-name-${'n'.repeat(40)}`;
    await pennylane.writeback!.writeStatus(c.context, id, status(c.tenant.id, id, step, 'x'));
    expect(limits).toEqual(['100']);
    expect(made).toHaveLength(1);
    expect(made[0]!['analytical_code']).toBe(`REL-${step}`.slice(0, 40));
    expect(made[0]!['label']).toBe(categoryLabel(step));
  });

  it('our group, a step’s category and the appendix are each POSTed once: an outage fails the write instead of a blind retry', async () => {
    const c = await connected();
    const [a, b, d] = sim.scenario.openInvoices().slice(22, 25);
    let posts = 0;
    const down = () => {
      posts++;
      return HttpResponse.text('bad gateway', { status: 502 });
    };
    server.use(http.post(`${sim.baseUrls.api}/customer_invoices/:id/appendices`, down));
    await expect(pennylane.writeback!.writeStatus(c.context, a!, status(c.tenant.id, a!, 'firm', 'x'))).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(posts).toBe(1);
    server.resetHandlers();
    posts = 0;
    server.use(http.post(`${sim.baseUrls.api}/categories`, down));
    await expect(pennylane.writeback!.writeStatus(c.context, b!, status(c.tenant.id, b!, 'a-new-step', 'x'))).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(posts).toBe(1);
    server.resetHandlers();
    posts = 0;
    // No group of ours listed: the write makes one.
    server.use(
      http.get(`${sim.baseUrls.api}/category_groups`, () => HttpResponse.json({ items: [], has_more: false, next_cursor: null })),
      http.post(`${sim.baseUrls.api}/category_groups`, down),
    );
    await expect(pennylane.writeback!.writeStatus(c.context, d!, status(c.tenant.id, d!, 'firm', 'x'))).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(posts).toBe(1);
  });

  it('the same status again after a user filed the invoice under another category: nothing to write, whatever the order listed', async () => {
    const c = await connected();
    const id = sim.scenario.openInvoices()[2]!;
    const s = status(c.tenant.id, id, 'firm', 'x');
    await pennylane.writeback!.writeStatus(c.context, id, s);
    // The user files it under one more of the company's own categories, listed after ours.
    const edit = sim.editCategoriesAfterRead(id);
    await c.context.http.get(`/customer_invoices/${id}/categories`);
    expect(edit.kept()).toBe(true);
    traffic.reset();
    expect((await pennylane.writeback!.writeStatus(c.context, id, s)).alreadyPresent).toBe(true);
    expect(api().filter((e) => e.method !== 'GET')).toEqual([]);
  });
});

