// A generic ordered-commit queue: item n+1 is readied while item n commits; commits run one at a time, in order.

export interface CommitQueueOptions<I, P> {
  /**
   * Items taken from the source and not yet committed, at most (≥ 1). With 1, each item is readied and committed
   * before the next is taken; with 2, the next one is readied while the current one commits.
   */
  inFlight: number;
  /** Readies item `index` (no commit-side effects: it may run while earlier items commit). Called in order, one at a time. */
  prepare(item: I, index: number): Promise<P>;
  /** Commits item `index`: only once item `index − 1` has committed, never two at once, never after an earlier failure. */
  commit(prepared: P, index: number): Promise<void>;
}

/**
 * Runs every item of `source` through `prepare` then `commit`, commits in source order.
 *
 * An error at item n (from the source, `prepare` or `commit`) stops everything after it: no later item commits and
 * the source is asked for nothing more (it is closed). The items before n commit; the call returns only once no
 * commit is running (the caller may release its locks), and rejects with the error of the earliest item that failed.
 */
export async function commitInOrder<I, P>(source: AsyncIterable<I>, options: CommitQueueOptions<I, P>): Promise<void> {
  const { inFlight, prepare, commit } = options;
  if (!Number.isInteger(inFlight) || inFlight < 1) throw new RangeError(`inFlight must be a whole number ≥ 1, got ${inFlight}`);
  const items = source[Symbol.asyncIterator]();
  // Commits queued and not yet observed, in item order; each starts when the one before it has resolved.
  const queued: Promise<void>[] = [];
  let last: Promise<void> = Promise.resolve();
  let commitFailed = false;
  let done = false;
  let thrown: { error: unknown } | null = null;
  try {
    for (let index = 0; ; index++) {
      while (queued.length >= inFlight) await queued.shift();
      if (commitFailed) break;
      const next = await items.next();
      if (next.done) {
        done = true;
        break;
      }
      const prepared = await prepare(next.value, index);
      // A rejected commit rejects every later one in the chain without running it.
      last = last.then(() => commit(prepared, index));
      // Observed in turn (above or below); until then this handler keeps Node from calling it unhandled.
      last.catch(() => (commitFailed = true));
      queued.push(last);
    }
  } catch (error) {
    thrown = { error };
  }
  // Never return with a commit still running, whatever went wrong.
  const settled = await Promise.allSettled(queued);
  if (!done) {
    // Stopped early, so an error is on its way: close the source; its own clean-up failing would add nothing to it.
    await Promise.resolve(items.return?.()).catch(() => undefined);
  }
  // Commits queued are all of items before any source or prepare failure: the first of theirs to fail came first.
  const failedCommit = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failedCommit) throw failedCommit.reason;
  if (thrown) throw thrown.error;
}
