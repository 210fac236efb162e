// The watch (#27): reads the publisher of every registration number of a connection's portfolio, stores new notices,
// quarantines the refused ones with their reason, and applies each new notice (effects.ts). Each number goes to the
// publisher of its register, told by its kind (model/company-ids.ts regNoKind): a SIREN to the BODACC, a UK company
// number to Companies House. A number the publisher could not answer for is returned in `unavailable`: nothing is
// stored for it, it is not marked read, and the next run reads it again, so nothing is lost. A UK number with no
// Companies House key configured is returned in `skipped` with what to set, never read and never marked read.
// Notices are kept per connection: a demo company reads its simulated publishers, and a simulated notice never touches
// a real company's customer that happens to carry the same number.
import { regNoKind } from '../model/company-ids.js';
import type { TaskRequest } from '../model/task.js';
import type { Sql } from '../store/db.js';
import { markChecked, quarantineNotice, recordNotice, watchedRegNos } from '../store/insolvency.js';
import { listConnections } from '../store/tenants.js';
import { readNotices } from './bodacc.js';
import { COMPANIES_HOUSE_RATE, readInsolvency } from './companies-house.js';
import { applyNotice } from './effects.js';
import { PublisherUnavailable, type Get, type InsolvencyNotice, type NoticeSource, type RejectedNotice } from './notice.js';

export interface WatchResult {
  read: number;
  newNotices: number;
  pausedInvoices: number;
  quarantined: number;
  unavailable: { regNo: string; reason: string }[];
  /** Numbers not read because their publisher is not configured (a UK number without COMPANIES_HOUSE_API_KEY). */
  skipped: { regNo: string; reason: string }[];
}

export interface CompaniesHouseDeps {
  /** Without a key UK numbers are skipped (and said), never read. */
  apiKey?: string | null;
  base?: string;
  get?: Get;
  /**
   * Least time between two requests with the same key, so the process keeps under the documented 600 requests per 5
   * minutes (default 500 ms), whatever the number of connections and tenants watched at once. Per process: several
   * worker processes sharing one key would need a limiter shared through Redis (not built).
   */
  intervalMs?: number;
}

export interface WatchDeps {
  /** The BODACC's base. */
  base?: string;
  get?: Get;
  companiesHouse?: CompaniesHouseDeps;
  openTask: (req: TaskRequest) => Promise<void>;
  actor?: string;
  /** Only the numbers never read for this connection (the run after a sync); default: all of them (the daily run). */
  unchecked?: boolean;
}

export const NO_COMPANIES_HOUSE_KEY = 'UK company number not read: set COMPANIES_HOUSE_API_KEY (a free REST API key from the Companies House developer hub) to watch UK customers';

export const emptyResult = (): WatchResult => ({ read: 0, newNotices: 0, pausedInvoices: 0, quarantined: 0, unavailable: [], skipped: [] });

export function addResults(a: WatchResult, b: WatchResult): WatchResult {
  return {
    read: a.read + b.read, newNotices: a.newNotices + b.newNotices, pausedInvoices: a.pausedInvoices + b.pausedInvoices, quarantined: a.quarantined + b.quarantined,
    unavailable: [...a.unavailable, ...b.unavailable], skipped: [...a.skipped, ...b.skipped],
  };
}

type Read = { source: NoticeSource; parsed: { notices: InsolvencyNotice[]; rejected: RejectedNotice[] } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The next free request slot per Companies House base and key, for every watch of this process. */
const chSlots = new Map<string, number>();

/** Waits for the next slot of `key`, `intervalMs` after the previous one (slots are taken in call order). */
async function paced(key: string, intervalMs: number): Promise<void> {
  const now = Date.now();
  const slot = Math.max(now, chSlots.get(key) ?? 0);
  chSlots.set(key, slot + intervalMs);
  if (slot > now) await sleep(slot - now);
}

export async function watchConnection(sql: Sql, tenantId: string, connectionId: string, deps: WatchDeps): Promise<WatchResult> {
  const out = emptyResult();
  const ch = deps.companiesHouse ?? {};
  const interval = ch.intervalMs ?? Math.ceil(COMPANIES_HOUSE_RATE.windowMs / COMPANIES_HOUSE_RATE.requests);
  // After a 429 the rest of the period answers 429 too: the remaining UK numbers wait for the next run, unasked.
  let chLimited: string | null = null;

  const read = async (regNo: string): Promise<Read | 'skip'> => {
    const kind = regNoKind(regNo);
    if (kind === 'siren') return { source: 'bodacc', parsed: await readNotices(regNo, { ...(deps.base ? { base: deps.base } : {}), ...(deps.get ? { get: deps.get } : {}) }) };
    if (kind === 'uk_company') {
      if (!ch.apiKey) { out.skipped.push({ regNo, reason: NO_COMPANIES_HOUSE_KEY }); return 'skip'; }
      if (chLimited) throw new PublisherUnavailable(429, chLimited);
      await paced(`${ch.base ?? ''} ${ch.apiKey}`, interval);
      try {
        return { source: 'companies_house', parsed: await readInsolvency(regNo, { apiKey: ch.apiKey, ...(ch.base ? { base: ch.base } : {}), ...(ch.get ? { get: ch.get } : {}) }) };
      } catch (e) {
        if (e instanceof PublisherUnavailable && e.status === 429) chLimited = `${e.message} (not asked after the limit was reached)`;
        throw e;
      }
    }
    // The store's check lets no other value in; said rather than thrown if one ever got there.
    out.skipped.push({ regNo, reason: 'neither a SIREN nor a UK company number' });
    return 'skip';
  };

  for (const regNo of await watchedRegNos(sql, tenantId, { connectionId, unchecked: deps.unchecked ?? false })) {
    let got: Read | 'skip';
    try {
      got = await read(regNo);
    } catch (e) {
      if (!(e instanceof PublisherUnavailable)) throw e;
      out.unavailable.push({ regNo, reason: e.message });
      continue;
    }
    if (got === 'skip') continue;
    out.read++;
    for (const r of got.parsed.rejected) {
      if (await quarantineNotice(sql, tenantId, got.source, r)) out.quarantined++;
    }
    // Oldest first, so a closing applied after its opening updates the pauses the opening made.
    for (const notice of [...got.parsed.notices].sort((a, b) => a.publicationDate.localeCompare(b.publicationDate))) {
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

/** Every connection of the tenant against the same publishers. */
export async function watchTenant(sql: Sql, tenantId: string, deps: WatchDeps): Promise<WatchResult> {
  let out = emptyResult();
  for (const c of await listConnections(sql, tenantId)) out = addResults(out, await watchConnection(sql, tenantId, c.id, deps));
  return out;
}
