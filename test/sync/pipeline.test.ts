// The ordered-commit queue on its own: commit order, how many items it holds, what an error at item n stops, no stray rejections.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitInOrder } from '../../src/sync/pipeline.js';

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A source of `n` items that records what was asked of it: items taken, and whether it was closed early. */
function source(n: number, options: { failAt?: number } = {}) {
  const log = { taken: 0, closed: false, finished: false };
  async function* items() {
    try {
      for (let i = 0; i < n; i++) {
        await tick();
        if (i === options.failAt) throw new Error(`source failed at ${i}`);
        log.taken++;
        yield i;
      }
      log.finished = true;
    } finally {
      if (!log.finished) log.closed = true;
    }
  }
  return { items: items(), log };
}

/** Records every step in order, and the largest number of items between taken and committed. */
function recorder() {
  const events: string[] = [];
  const committed: number[] = [];
  let running = 0;
  let maxRunning = 0;
  return {
    events,
    committed,
    get maxConcurrentCommits() {
      return maxRunning;
    },
    async commit(item: number, delay: number, fail = false) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      events.push(`commit ${item} start`);
      await tick(delay);
      running--;
      if (fail) {
        events.push(`commit ${item} failed`);
        throw new Error(`commit ${item} failed`);
      }
      committed.push(item);
      events.push(`commit ${item} end`);
    },
  };
}

describe('commitInOrder', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    // Rejections nobody handled surface on a later turn of the event loop: give them one before looking.
    await tick(20);
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('commits in source order, one at a time, however long each item takes to ready or to commit', async () => {
    const { items } = source(8);
    const r = recorder();
    // Odd items ready slowly and commit fast, even ones the reverse: a queue that let a ready item commit early would reorder them.
    await commitInOrder(items, {
      inFlight: 3,
      prepare: async (item) => (await tick(item % 2 ? 15 : 0), item),
      commit: (item) => r.commit(item, item % 2 ? 0 : 15),
    });
    expect(r.committed).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.maxConcurrentCommits).toBe(1);
  });

  it('readies item n+1 while item n commits (inFlight 2), and not with inFlight 1', async () => {
    for (const inFlight of [1, 2]) {
      const { items } = source(3);
      const r = recorder();
      await commitInOrder(items, {
        inFlight,
        prepare: async (item) => (r.events.push(`prepare ${item}`), item),
        commit: (item) => r.commit(item, 10),
      });
      const beforeFirstCommitEnds = r.events.slice(0, r.events.indexOf('commit 0 end'));
      if (inFlight === 1) expect(beforeFirstCommitEnds).toEqual(['prepare 0', 'commit 0 start']);
      else expect(beforeFirstCommitEnds).toEqual(['prepare 0', 'commit 0 start', 'prepare 1']);
      expect(r.committed).toEqual([0, 1, 2]);
    }
  });

  it.each([1, 2, 4])('holds at most %i items between taking them from the source and committing them', async (inFlight) => {
    const { items, log } = source(12);
    const r = recorder();
    let most = 0;
    await commitInOrder(items, {
      inFlight,
      prepare: async (item) => {
        // Counted as the item is readied: it has been taken, and the commits so far are done.
        most = Math.max(most, log.taken - r.committed.length);
        return item;
      },
      commit: (item) => r.commit(item, 5),
    });
    expect(most).toBe(inFlight);
    expect(r.committed).toHaveLength(12);
  });

  it('stops at a commit that fails: no later commit runs, the source is closed, and the error is the one thrown', async () => {
    const { items, log } = source(10);
    const r = recorder();
    const prepared: number[] = [];
    const run = commitInOrder(items, {
      inFlight: 3,
      prepare: async (item) => (prepared.push(item), item),
      commit: (item) => r.commit(item, 5, item === 3),
    });
    await expect(run).rejects.toThrow('commit 3 failed');
    expect(r.committed).toEqual([0, 1, 2]);
    expect(r.events.filter((e) => e.startsWith('commit 4') || e.startsWith('commit 5'))).toEqual([]);
    // Items readied behind the failed one (inFlight 3) are dropped; nothing further is asked of the source.
    expect(Math.max(...prepared)).toBeLessThanOrEqual(5);
    expect(log.taken).toBe(prepared.length);
    expect(log.closed).toBe(true);
  });

  it('stops at an item that fails to ready: the earlier ones commit (and have, when it rejects), the later ones never', async () => {
    const { items, log } = source(10);
    const r = recorder();
    const run = commitInOrder(items, {
      inFlight: 2,
      prepare: async (item) => {
        if (item === 4) throw new Error('prepare 4 failed');
        return item;
      },
      commit: (item) => r.commit(item, 20),
    });
    await expect(run).rejects.toThrow('prepare 4 failed');
    // Commit 3 was still running when item 4 failed: the call waited for it.
    expect(r.committed).toEqual([0, 1, 2, 3]);
    expect(r.events.at(-1)).toBe('commit 3 end');
    expect(log.closed).toBe(true);
  });

  it('stops at a source that fails: what it gave before commits, then its error surfaces', async () => {
    const { items } = source(10, { failAt: 3 });
    const r = recorder();
    await expect(commitInOrder(items, { inFlight: 2, prepare: async (item) => item, commit: (item) => r.commit(item, 10) })).rejects.toThrow('source failed at 3');
    expect(r.committed).toEqual([0, 1, 2]);
  });

  it('surfaces the earliest failure: a commit failing behind a later item that fails to ready', async () => {
    const { items } = source(10);
    const r = recorder();
    const run = commitInOrder(items, {
      inFlight: 2,
      prepare: async (item) => {
        if (item === 2) throw new Error('prepare 2 failed');
        return item;
      },
      commit: (item) => r.commit(item, 20, item === 1),
    });
    await expect(run).rejects.toThrow('commit 1 failed');
    expect(r.committed).toEqual([0]);
  });

  it('leaves no rejection unhandled, and takes nothing more, when a commit fails while the next item is being readied', async () => {
    const { items, log } = source(10);
    const prepared: number[] = [];
    // Commit 0 fails while item 2 is still being readied: commit 1 is queued behind it, and nothing awaits it yet.
    const run = commitInOrder(items, {
      inFlight: 4,
      prepare: async (item) => {
        prepared.push(item);
        if (item === 2) await tick(40);
        return item;
      },
      commit: async (item) => {
        await tick(10);
        throw new Error(`commit ${item} failed`);
      },
    });
    await expect(run).rejects.toThrow('commit 0 failed');
    // There was room for a fourth item, but after a failure the source is asked for nothing more.
    expect(prepared).toEqual([0, 1, 2]);
    expect(log.taken).toBe(3);
    expect(log.closed).toBe(true);
    // The afterEach hook checks that none of the rejected commits behind it went unhandled.
  });

  it('refuses an inFlight that is not a whole number ≥ 1', async () => {
    for (const inFlight of [0, -1, 1.5, Number.NaN]) {
      await expect(commitInOrder(source(1).items, { inFlight, prepare: async (i) => i, commit: async () => undefined })).rejects.toThrow(RangeError);
    }
    await expect(commitInOrder(source(1).items, { inFlight: 0, prepare: async (i) => i, commit: async () => undefined })).rejects.toThrow('inFlight must be a whole number ≥ 1, got 0');
  });

  it('gives prepare and commit each item’s index, in source order', async () => {
    const seen: string[] = [];
    await commitInOrder(source(3).items, {
      inFlight: 2,
      prepare: async (item, index) => (seen.push(`prepare ${item}@${index}`), item),
      commit: async (item, index) => void seen.push(`commit ${item}@${index}`),
    });
    expect(seen.filter((e) => e.startsWith('prepare'))).toEqual(['prepare 0@0', 'prepare 1@1', 'prepare 2@2']);
    expect(seen.filter((e) => e.startsWith('commit'))).toEqual(['commit 0@0', 'commit 1@1', 'commit 2@2']);
  });

  /** A hand-written source of `n` items (not a generator): counts its return() calls, or has none. */
  function iterator(n: number, withReturn: boolean) {
    const log = { returned: 0 };
    let i = 0;
    const it: AsyncIterator<number> = {
      next: async () => (i < n ? { done: false, value: i++ } : { done: true, value: undefined }),
      ...(withReturn ? { return: async () => (log.returned++, { done: true as const, value: undefined }) } : {}),
    };
    return { items: { [Symbol.asyncIterator]: () => it }, log };
  }

  it('closes the source only when it stops early, never once the source has ended', async () => {
    const ended = iterator(3, true);
    const committed: number[] = [];
    await commitInOrder(ended.items, { inFlight: 2, prepare: async (i) => i, commit: async (i) => void committed.push(i) });
    expect(committed).toEqual([0, 1, 2]);
    expect(ended.log.returned).toBe(0);

    const stopped = iterator(3, true);
    await expect(commitInOrder(stopped.items, { inFlight: 2, prepare: async (i) => i, commit: async () => Promise.reject(new Error('commit failed')) })).rejects.toThrow('commit failed');
    expect(stopped.log.returned).toBe(1);
  });

  it('stops early on a source that has no return(): the error is the item’s, not the missing method’s', async () => {
    const { items } = iterator(5, false);
    const run = commitInOrder(items, {
      inFlight: 2,
      prepare: async (item) => {
        if (item === 1) throw new Error('prepare 1 failed');
        return item;
      },
      commit: async () => undefined,
    });
    await expect(run).rejects.toThrow('prepare 1 failed');
  });
});
