// The watch (#27): reads the publisher for every SIREN of a connection's portfolio, stores new notices, quarantines the
// refused ones with their reason, and applies each new notice (effects.ts). A SIREN the publisher could not answer
// for is returned in `unavailable`: nothing is stored for it, it is not marked read, and the next run reads it again,
// so nothing is lost. Notices are kept per connection: a demo company reads its simulated publisher, and a simulated
// notice never touches a real company's customer that happens to carry the same SIREN.
import type { TaskRequest } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { markChecked, quarantineNotice, recordNotice, watchedRegNos } from '../store/insolvency.js';
import { listConnections } from '../store/tenants.js';
import { PublisherUnavailable, readNotices, type Get } from './bodacc.js';
import { applyNotice } from './effects.js';

export interface WatchResult {
  read: number;
  newNotices: number;
  pausedInvoices: number;
  quarantined: number;
  unavailable: { regNo: string; reason: string }[];
}

export interface WatchDeps {
  base?: string;
  get?: Get;
  openTask: (req: TaskRequest) => Promise<void>;
  actor?: string;
  /** Only the SIRENs never read for this connection (the run after a sync); default: all of them (the daily run). */
  unchecked?: boolean;
}

const empty = (): WatchResult => ({ read: 0, newNotices: 0, pausedInvoices: 0, quarantined: 0, unavailable: [] });

export function addResults(a: WatchResult, b: WatchResult): WatchResult {
  return { read: a.read + b.read, newNotices: a.newNotices + b.newNotices, pausedInvoices: a.pausedInvoices + b.pausedInvoices, quarantined: a.quarantined + b.quarantined, unavailable: [...a.unavailable, ...b.unavailable] };
}

export async function watchConnection(sql: Sql, tenantId: string, connectionId: string, deps: WatchDeps): Promise<WatchResult> {
  const out = empty();
  for (const regNo of await watchedRegNos(sql, tenantId, { connectionId, unchecked: deps.unchecked ?? false })) {
    let parsed;
    try {
      parsed = await readNotices(regNo, { ...(deps.base ? { base: deps.base } : {}), ...(deps.get ? { get: deps.get } : {}) });
    } catch (e) {
      if (!(e instanceof PublisherUnavailable)) throw e;
      out.unavailable.push({ regNo, reason: e.message });
      continue;
    }
    out.read++;
    for (const r of parsed.rejected) {
      if (await quarantineNotice(sql, tenantId, 'bodacc', r)) out.quarantined++;
    }
    // Oldest first, so a closing applied after its opening updates the pauses the opening made.
    for (const notice of [...parsed.notices].sort((a, b) => a.publicationDate.localeCompare(b.publicationDate))) {
      for (const stored of await recordNotice(sql, tenantId, notice, connectionId)) {
        if (!stored.created) continue;
        out.newNotices++;
        out.pausedInvoices += (await applyNotice(sql, tenantId, stored.notice, { openTask: deps.openTask, actor: deps.actor ?? 'relance' })).pausedInvoices.length;
      }
    }
    // Marked read only once everything it served is stored and applied: a crash before this reads it again.
    await markChecked(sql, tenantId, connectionId, regNo);
  }
  return out;
}

/** Every connection of the tenant against one publisher. */
export async function watchTenant(sql: Sql, tenantId: string, deps: WatchDeps): Promise<WatchResult> {
  let out = empty();
  for (const c of await listConnections(sql, tenantId)) out = addResults(out, await watchConnection(sql, tenantId, c.id, deps));
  return out;
}
