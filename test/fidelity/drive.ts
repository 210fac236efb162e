// Runs a connector the way production does against its simulator (connect, full and incremental sync, targeted re-reads, write-back, token refresh), so its requests can be checked against the provider's description.
import { expect } from 'vitest';
import { STREAMS, STREAM_ENTITY, type Connector } from '../../src/connectors/types.js';
import type { ProviderSimulator } from '../../src/simulator/types.js';
import type { Sql } from '../../src/store/db.js';
import { openProvider, syncConnection, syncRecords } from '../../src/sync/engine.js';
import { connectTo, syncDeps } from '../support/providers.js';

/** Everything a connector sends in ordinary use; each step must succeed, so a refused request cannot hide as a skipped step. */
export async function driveConnector(sql: Sql, connector: Connector, sim: ProviderSimulator): Promise<void> {
  const deps = syncDeps(sql);
  const s = sim.scenario;
  const c = await connectTo(sql, connector, sim);
  const full = await syncConnection(deps, c.tenant.id, c.connection.id);
  expect(full.status, full.error ?? '').toBe('ok');

  const [updated, paid, voided] = s.openInvoices();
  s.updateInvoice(updated!, { dueDate: '2027-03-31' });
  s.pay(paid!, '5.00');
  s.voidInvoice(voided!);
  s.createInvoice({ customerId: s.invoice(updated!)!.customerId, total: '120.00', dueDate: '2027-04-30' });
  // An expired access token: the next sync refreshes it (the token endpoint's refresh answer).
  sim.oauth.expireAccessTokens();
  const incremental = await syncConnection(deps, c.tenant.id, c.connection.id);
  expect(incremental.status, incremental.error ?? '').toBe('ok');

  // Targeted re-reads (webhooks, freshness checks): two known ids of every stream.
  const changes = Object.fromEntries(STREAMS.map((stream) => [stream, s.receivables(STREAM_ENTITY[stream]).slice(0, 2)]));
  const reread = await syncRecords(deps, c.tenant.id, c.connection.id, changes);
  expect(reread.status).toBe('ok');

  if (connector.writeback) {
    const { context } = await openProvider(deps, c.tenant.id, c.connection.id);
    await connector.writeback.install?.(context);
    const id = s.openInvoices()[3]!;
    const status = { key: `${c.tenant.id}|inv:${id}|firm|v1`, step: 'firm', channel: 'email', date: '2026-11-22', summary: 'Relance ferme envoyée', promisedPaymentDate: '2027-01-15' };
    expect((await connector.writeback.writeStatus(context, id, status)).alreadyPresent).toBe(false);
  }
}
