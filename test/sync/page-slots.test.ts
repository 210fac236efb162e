// A sync's page slots: first in first out, an abandoned wait takes nothing, and prefetch reads ahead only within them.
import { describe, expect, it } from 'vitest';
import { PageSlots } from '../../src/sync/page-slots.js';
import { prefetch } from '../../src/sync/prefetch.js';

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A source of `n` items that counts what was taken from it and whether it was closed. */
function source(n: number) {
  const log = { taken: 0, closed: false };
  async function* items() {
    try {
      for (let i = 0; i < n; i++) {
        await tick();
        log.taken++;
        yield i;
      }
    } finally {
      log.closed = true;
    }
  }
  return { items: items(), log };
}

describe('PageSlots', () => {
  it('grants slots up to its size, then in the order they were asked for; a release given twice frees one slot', async () => {
    const slots = new PageSlots(2);
    const a = await slots.acquire();
    await slots.acquire();
    expect(slots.taken).toBe(2);
    const order: string[] = [];
    const c = slots.acquire().then((r) => (order.push('c'), r));
    const d = slots.acquire().then((r) => (order.push('d'), r));
    await tick();
    expect(order).toEqual([]);
    a();
    a();
    await tick();
    expect(order).toEqual(['c']);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(slots.taken).toBe(2);
  });

  it('an aborted wait rejects and takes no slot', async () => {
    const slots = new PageSlots(1);
    const first = await slots.acquire();
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    first();
    expect(slots.taken).toBe(0);
    await expect(slots.acquire(stop.signal)).rejects.toThrow('closed');
  });

  it('refuses a size below one', () => {
    expect(() => new PageSlots(0)).toThrow(RangeError);
  });
});

describe('prefetch within page slots', () => {
  it('takes an item from the source only with a free slot, read-ahead included', async () => {
    const slots = new PageSlots(2);
    const { items, log } = source(10);
    const it = prefetch(items, slots);
    const first = await it.next();
    await tick(20);
    // The item handed out and the one read ahead: the third waits for a slot.
    expect(log.taken).toBe(2);
    expect(slots.taken).toBe(2);
    first.value!.release();
    await tick(20);
    expect(log.taken).toBe(2);
    const second = await it.next();
    expect(second.value!.value).toBe(1);
    await tick(20);
    expect(log.taken).toBe(3);
    second.value!.release();
    await it.return(undefined);
    expect(log.closed).toBe(true);
    // The item read ahead and never handed out gave its slot back on close.
    expect(slots.taken).toBe(0);
  });

  it('closes while its read-ahead waits for a slot, without taking one', async () => {
    const slots = new PageSlots(1);
    const { items, log } = source(10);
    const it = prefetch(items, slots);
    const first = await it.next();
    await tick(20);
    expect(log.taken).toBe(1);
    await it.return(undefined);
    expect(log.closed).toBe(true);
    first.value!.release();
    expect(slots.taken).toBe(0);
  });

  it('without slots, reads one item ahead as before', async () => {
    const { items, log } = source(5);
    const got: number[] = [];
    for await (const { value } of prefetch(items)) got.push(value);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(log.taken).toBe(5);
  });
});
