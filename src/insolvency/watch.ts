// The watch (#27): reads the publisher for every SIREN of the tenant's portfolio, stores new notices, quarantines the
// refused ones with their reason, and applies each new notice (effects.ts). A SIREN the publisher could not answer
// for is returned in `unavailable`: nothing is stored for it, and the next run reads it again, so nothing is lost.
import type { TaskRequest } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { quarantineNotice, recordNotice, watchedRegNos } from '../store/insolvency.js';
import { PublisherUnavailable, readNotices, type Get } from './bodacc.js';
import { applyNotice } from './effects.js';

export interface WatchResult {
  read: number;
  newNotices: number;
  pausedInvoices: number;
  quarantined: number;
  unavailable: { regNo: string; reason: string }[];
}

export async function watchTenant(sql: Sql, tenantId: string, deps: { base?: string; get?: Get; openTask: (req: TaskRequest) => Promise<void>; actor?: string }): Promise<WatchResult> {
  const out: WatchResult = { read: 0, newNotices: 0, pausedInvoices: 0, quarantined: 0, unavailable: [] };
  for (const regNo of await watchedRegNos(sql, tenantId)) {
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
      for (const stored of await recordNotice(sql, tenantId, notice)) {
        if (!stored.created) continue;
        out.newNotices++;
        out.pausedInvoices += (await applyNotice(sql, tenantId, stored.notice, { openTask: deps.openTask, actor: deps.actor ?? 'relance' })).pausedInvoices.length;
      }
    }
  }
  return out;
}
