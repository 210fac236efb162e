// Chaos, webhooks (#26 point 3): for every registered connector whose simulator signs deliveries, a storm of them
// while the books change: each one redelivered up to three times, all of them out of order, old ones replayed after
// newer ones, and forged (a byte changed, the signature gone) and oversized ones mixed in; the webhook worker runs
// as it would, between bursts. Afterwards: every forged delivery was refused with 401 and stored nothing, every
// event is in the inbox once, and the database equals the provider for every invoice.
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { webhookSecretFor } from '../../src/connectors/clients.js';
import { ConnectorRegistry } from '../../src/connectors/registry.js';
import { connectors } from '../../connectors/index.js';
import { webhookRoutes } from '../../src/http/webhooks.js';
import type { Service } from '../../src/service.js';
import { createRandom } from '../../src/simulator/prng.js';
import type { WebhookDelivery } from '../../src/simulator/types.js';
import { listDocuments } from '../../src/store/index.js';
import { syncConnection } from '../../src/sync/engine.js';
import { NO_APPS } from '../../src/sync/deps.js';
import { createProcessors } from '../../workers/processors.js';
import { sharedClock, simulated, watchTraffic } from '../support/contract.js';
import { useDatabase } from '../support/db.js';
import { connectTo, syncDeps, useSimulator } from '../support/providers.js';
import { chaosSeed, record, reproduce } from './report.js';

const sql = useDatabase();
const SEED = chaosSeed();
const ROUNDS = Number(process.env['CHAOS_WEBHOOK_ROUNDS'] ?? 60);
const MAX_BYTES = 256 * 1024;
const figures: Record<string, unknown>[] = [];
afterAll(() => record('webhooks', SEED, figures));

const withHooks = simulated.filter(({ connector, factory }) => connector.webhooks && factory.create({ seed: 1, customers: 2, invoices: 2, creditNotes: 0, payments: 0 }).scenario.pendingWebhook);

describe.each(withHooks)('chaos, webhooks: $provider', ({ provider, connector, factory }) => {
  const { clock, gate, arrived } = sharedClock();
  const { sim, server } = useSimulator(factory.create({ seed: SEED, customers: 20, invoices: 300, creditNotes: 10, payments: 80, clock: clock.date }));
  const s = sim.scenario;
  const deps = syncDeps(sql, { gate });
  watchTraffic(server, clock.now, (e) => {
    if (e.url.startsWith(sim.baseUrls['api']!)) arrived();
  });
  const random = createRandom(SEED * 31 + provider.length);

  it(`refuses every forged delivery and applies every real one once, in any order (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const c = await connectTo(sql, connector, sim);
    expect((await syncConnection(deps, c.tenant.id, c.connection.id)).status).toBe('ok');
    s.pendingWebhook!();
    const app = webhookRoutes({ sql, registry: new ConnectorRegistry(connectors), secretFor: (p, connection) => webhookSecretFor(NO_APPS, p, connection), wake: async () => undefined, maxBytes: MAX_BYTES });
    const service = { runtime: { sql }, sync: deps, log: pino({ level: 'silent' }), queue: { enqueue: async () => undefined } } as unknown as Service;
    const work = createProcessors(service, { executeActions: async () => undefined }).webhook!;
    let job = 0;
    const runWorker = () => work({ tenantId: c.tenant.id, provider }, { jobId: `webhook-${++job}`, attempt: 1 });

    // The books change; each round's changes come as one signed delivery.
    const deliveries: WebhookDelivery[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const open = s.openInvoices();
      const id = random.pick(open);
      const roll = random.next();
      if (roll < 0.35) s.pay(id, '1.00');
      else if (roll < 0.6) s.updateInvoice(id, { dueDate: `2027-0${random.int(1, 9)}-1${random.int(0, 9)}` });
      else if (roll < 0.7 && open.length > 40) s.voidInvoice(id);
      else s.createInvoice({ customerId: s.invoice(id)!.customerId, total: `${12 * random.int(1, 500)}.00` });
      const d = s.pendingWebhook!();
      if (d) deliveries.push(d);
    }

    type Post = { kind: 'real' | 'redelivered' | 'replayed' | 'tampered' | 'unsigned' | 'oversized'; body: string | Uint8Array; headers: Record<string, string> };
    const posts: Post[] = [];
    for (const d of deliveries) {
      posts.push({ kind: 'real', body: d.body, headers: d.headers });
      for (let i = random.int(0, 2); i > 0; i--) posts.push({ kind: 'redelivered', body: d.body, headers: d.headers });
      const text = typeof d.body === 'string' ? d.body : new TextDecoder().decode(d.body);
      if (random.chance(0.5)) {
        // One character changed inside the signed body: a forgery or a corruption, refused alike.
        const at = random.int(0, text.length - 1);
        posts.push({ kind: 'tampered', body: `${text.slice(0, at)}${text[at] === '1' ? '2' : '1'}${text.slice(at + 1)}`, headers: d.headers });
      }
      if (random.chance(0.3)) {
        const headers = Object.fromEntries(Object.entries(d.headers).filter(([k]) => k.toLowerCase() !== connector.webhooks!.signatureHeader.toLowerCase()));
        posts.push({ kind: 'unsigned', body: d.body, headers });
      }
    }
    for (let i = 0; i < 5; i++) posts.push({ kind: 'oversized', body: `{"pad":"${'x'.repeat(MAX_BYTES)}"}`, headers: deliveries[0]!.headers });
    const shuffled = random.shuffle(posts);
    // Old deliveries replayed after everything else.
    for (const d of deliveries.slice(0, 10)) shuffled.push({ kind: 'replayed', body: d.body, headers: d.headers });

    const answers: Record<string, Record<number, number>> = {};
    for (const [i, p] of shuffled.entries()) {
      const res = await app.request(`/${provider}/${c.connection.id}`, { method: 'POST', body: p.body, headers: p.headers });
      (answers[p.kind] ??= {})[res.status] = (answers[p.kind]![res.status] ?? 0) + 1;
      if (i % 10 === 9) await runWorker();
    }
    await runWorker();

    const [inbox] = await sql<{ rows: number; keys: number; pending: number; failed: number }[]>`
      select count(*)::int as rows, count(distinct dedupe_key)::int as keys, count(*) filter (where processed_at is null)::int as pending,
        count(*) filter (where last_error is not null)::int as failed
      from inbox where tenant_id = ${c.tenant.id}`;
    const named = new Set(deliveries.flatMap((d) => connector.webhooks!.parse(typeof d.body === 'string' ? new TextEncoder().encode(d.body) : d.body, new Headers(d.headers)).map((e) => e.dedupeKey)));
    let stale = 0;
    let lost = 0;
    const problems: string[] = [];
    const docs = new Map((await listDocuments(sql, c.tenant.id, 'invoice')).map((d) => [d.record.externalId, d.record]));
    for (const id of s.receivables('invoice')) {
      const truth = s.invoice(id)!;
      const r = docs.get(id);
      if (!r) (lost++, problems.push(`invoice ${id} lost`));
      else if (r.amountDue !== truth.amountDue || (truth.dueDate !== null && r.dueDate !== truth.dueDate) || (r.status === 'void') !== truth.voided) (stale++, problems.push(`invoice ${id} stale`));
    }
    const forged = (answers['tampered']?.[401] ?? 0) + (answers['unsigned']?.[401] ?? 0);
    const forgedSent = shuffled.filter((p) => p.kind === 'tampered' || p.kind === 'unsigned').length;
    figures.push({
      provider,
      seed: SEED,
      deliveries: deliveries.length,
      posts: shuffled.length,
      redelivered: shuffled.filter((p) => p.kind === 'redelivered').length,
      replayed: 10,
      forged: forgedSent,
      forgedRefused401: forged,
      oversized413: answers['oversized']?.[413] ?? 0,
      eventsNamed: named.size,
      inboxRows: inbox!.rows,
      doubleEffects: inbox!.rows - inbox!.keys,
      pending: inbox!.pending,
      lost,
      stale,
    });
    const where = reproduce('webhooks', provider, SEED, `${problems.slice(0, 10).join('; ')} answers ${JSON.stringify(answers)}`);
    expect(forged, where).toBe(forgedSent);
    expect(answers['oversized']?.[413], where).toBe(5);
    for (const kind of ['real', 'redelivered', 'replayed']) expect(Object.keys(answers[kind] ?? {}), `${kind}: ${where}`).toEqual(['200']);
    // Every event once: what the real deliveries named, and nothing a forged one carried.
    expect({ rows: inbox!.rows, keys: inbox!.keys, pending: inbox!.pending, failed: inbox!.failed }, where).toEqual({ rows: named.size, keys: named.size, pending: 0, failed: 0 });
    expect({ lost, stale }, where).toEqual({ lost: 0, stale: 0 });
  });
});
