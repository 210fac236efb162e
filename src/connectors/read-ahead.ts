// Pages requested ahead of the engine, for a stream whose next request does not need the previous answer (offset or
// page-number paging): each request holds one of the sync run's page slots from the moment it is sent until the
// engine has committed its page, so reading ahead covers the provider's latency without raising what a run holds.
import type { ReadContext, SlotRelease, StreamPage } from './types.js';

/**
 * Requests one stream keeps out at once, the one the engine waits for included; the run's page slots (PAGES_HELD,
 * shared by its streams) bound them all together. With one at a time and 100 ms a request, the QuickBooks `sync` bench
 * case reached 75 % of the 450/min pace; a second stream of requests covers the latency (see the README's benchmarks).
 */
export const READ_AHEAD_DEPTH = 3;

const NO_SLOT: SlotRelease = () => undefined;

export interface ReadAheadOptions<P extends StreamPage> {
  /** Asks for the scan's `index`-th page (0 first), in index order; several may be out at once. */
  request(index: number): Promise<P>;
  /** Whether the scan ends with this page (a short one): nothing after it is handed out. */
  isLast(page: P): boolean;
  /** Requests out at once at most (default READ_AHEAD_DEPTH). */
  depth?: number;
}

/**
 * The scan's pages in order, each handed out with the page slot its request took (`slot`); the engine gives it back
 * once the page is committed (the stream declares `readsAhead`). Without `ctx.pages` (no sync run), one request at a
 * time, holding no slot.
 *
 * The window opens one request per full page (the first page alone, then two out, then three): a one-page stream
 * costs one request, and a longer one at most `depth − 1` past its end, whose answers are dropped. A request that fails
 * fails the scan at its own page, after the pages before it. The scan ends (or closes, when its reader stops early)
 * once every request it sent has settled and given its slot back: none outlives it, and closed early it sends nothing
 * more.
 */
export async function* readAhead<P extends StreamPage>(ctx: ReadContext, options: ReadAheadOptions<P>): AsyncGenerator<P> {
  const depth = ctx.pages ? Math.max(1, options.depth ?? READ_AHEAD_DEPTH) : 1;
  const pages = ctx.pages;
  const stop = new AbortController();
  const out: Promise<{ page: P; slot: SlotRelease }>[] = [];
  let issued = 0;
  const issue = () => {
    const index = issued++;
    const answer = (async () => {
      const slot = pages ? await pages.acquire(stop.signal) : NO_SLOT;
      try {
        // Closed while this request waited for its slot.
        if (stop.signal.aborted) throw stop.signal.reason;
        return { page: await options.request(index), slot };
      } catch (err) {
        slot();
        throw err;
      }
    })();
    // Observed in turn; until then (or if the scan is closed first) this keeps Node from calling it unhandled.
    answer.catch(() => undefined);
    out.push(answer);
  };
  try {
    issue();
    for (let full = 1; out.length > 0; full++) {
      const { page, slot } = await out.shift()!;
      if (options.isLast(page)) {
        yield { ...page, slot };
        return;
      }
      while (out.length < Math.min(depth, full)) issue();
      yield { ...page, slot };
    }
  } finally {
    stop.abort(new Error('the scan was closed'));
    await Promise.all(out.splice(0).map((answer) => answer.then(({ slot }) => slot(), () => undefined)));
  }
}
