// Overlaps I/O: asks the source for item n+1 as soon as item n is handed out, within a sync's page slots when given.
import type { PageSlots, Release } from './page-slots.js';

/** An item with the slot it holds: release it once the item is done with (committed, or given up). */
export interface Held<T> {
  value: T;
  release: Release;
}

const NO_SLOT: Release = () => undefined;

/**
 * For a stream that reads ahead itself (`StreamSpec.readsAhead`): each page is handed out with the slot it took when it
 * was requested; the engine asks for nothing ahead of it.
 */
export async function* ownSlots<T extends { slot?: Release }>(source: AsyncIterable<T>): AsyncGenerator<Held<T>> {
  for await (const value of source) yield { value, release: value.slot ?? NO_SLOT };
}

/**
 * Yields the source's items, asking for the next one while the current one is used. With `slots`, each item is asked
 * for only once a slot is free, and is handed out with that slot: the read-ahead never takes the sync past its bound.
 * Closing the generator gives back the slot of an item read ahead and never handed out; the items handed out are the
 * caller's to release.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, slots?: PageSlots): AsyncGenerator<Held<T>> {
  const it = source[Symbol.asyncIterator]();
  const stop = new AbortController();
  const pull = async (): Promise<{ result: IteratorResult<T>; release: Release }> => {
    const release = slots ? await slots.acquire(stop.signal) : NO_SLOT;
    try {
      const result = await it.next();
      if (result.done) release();
      return { result, release };
    } catch (err) {
      release();
      throw err;
    }
  };
  let next = pull();
  try {
    for (;;) {
      const { result, release } = await next;
      if (result.done) return;
      next = pull();
      // The rejection is observed when the consumer asks for it; until then keep Node from calling it unhandled.
      next.catch(() => undefined);
      yield { value: result.value, release };
    }
  } finally {
    // A read-ahead still waiting for a slot stops waiting; one that got its item gives the slot back.
    stop.abort(new Error('the stream was closed'));
    await next.then(({ release }) => release(), () => undefined);
    await it.return?.();
  }
}
