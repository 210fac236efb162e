// readAhead: requests out ahead of the reader within the run's page slots, pages in order with their slot, a window
// that opens one request per full page, failures at their own page, and no request outliving the scan.
import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/connectors/read-ahead.js';
import type { ReadContext, StreamPage } from '../../src/connectors/types.js';
import { PageSlots } from '../../src/sync/page-slots.js';

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A paged source of `pages` pages (the last one short) whose answers the test releases by hand: `answer(i)` resolves
 * request i, `fail(i)` rejects it. It records which requests were sent and how many were out at once.
 */
function pagedSource(pages: number) {
  const sent: number[] = [];
  const waiting = new Map<number, { resolve(p: StreamPage): void; reject(e: Error): void }>();
  let out = 0;
  let maxOut = 0;
  const page = (i: number): StreamPage => ({ records: [`r${i}`], deleted: [], cursor: { next: i + 1, last: i >= pages - 1 } });
  return {
    sent,
    get out() {
      return out;
    },
    get maxOut() {
      return maxOut;
    },
    request(i: number) {
      sent.push(i);
      out++;
      maxOut = Math.max(maxOut, out);
      return new Promise<StreamPage>((resolve, reject) => waiting.set(i, { resolve, reject })).finally(() => out--);
    },
    isLast: (p: StreamPage) => (p.cursor as { last: boolean }).last,
    /** Answers requests `indexes` (sent by then: a request is sent once its slot is granted, a turn later). */
    async answer(...indexes: number[]) {
      await tick();
      for (const i of indexes) waiting.get(i)!.resolve(page(i));
      await tick();
    },
    async fail(i: number) {
      await tick();
      waiting.get(i)!.reject(new Error(`page ${i} failed`));
      await tick();
    },
    /** Answers every request out, as it is sent, until the scan stops asking. */
    answerAll() {
      for (const [i, w] of waiting) {
        waiting.delete(i);
        w.resolve(page(i));
      }
    },
  };
}

/** Closes a scan and answers the requests it still has out, which it waits for. */
async function close(scan: AsyncGenerator<StreamPage>, src: ReturnType<typeof pagedSource>) {
  const closing = scan.return(undefined);
  await tick();
  src.answerAll();
  await closing;
  expect(src.out).toBe(0);
}

/** A scan of `pages` pages, three requests deep, over a run of `size` page slots. */
function scanOf(size: number, pages: number) {
  const slots = new PageSlots(size);
  const src = pagedSource(pages);
  return { slots, src, scan: readAhead(ctx(slots), { request: src.request, isLast: src.isLast, depth: 3 }) };
}

/** The scan's next page, once request `i` is answered. */
async function readPage(scan: AsyncGenerator<StreamPage>, src: ReturnType<typeof pagedSource>, i: number): Promise<StreamPage> {
  const next = scan.next();
  await src.answer(i);
  return (await next).value!;
}

const ctx = (pages?: PageSlots) => ({ http: null as never, externalTenantId: 'realm', cursor: null, full: true, now: () => new Date(), ...(pages ? { pages } : {}) }) satisfies ReadContext;

describe('readAhead', () => {
  it('opens its window one request per full page, up to its depth, each request holding a slot', async () => {
    const { slots, src, scan } = scanOf(10, 10);
    const first = scan.next();
    await tick();
    // The first page alone: a one-page stream costs one request.
    expect(src.sent).toEqual([0]);
    expect(slots.taken).toBe(1);
    await src.answer(0);
    expect((await first).value!.records).toEqual(['r0']);
    expect(src.sent).toEqual([0, 1]);
    const second = scan.next();
    await src.answer(1);
    expect((await second).value!.records).toEqual(['r1']);
    expect(src.sent).toEqual([0, 1, 2, 3]);
    const third = scan.next();
    await src.answer(2);
    await third;
    // Three out at most: 3, 4, 5.
    expect(src.sent).toEqual([0, 1, 2, 3, 4, 5]);
    expect(src.out).toBe(3);
    // Pages 0, 1 and 2 are the reader's (their slots not given back), and three requests hold one each.
    expect(slots.taken).toBe(6);
    await close(scan, src);
  });

  it('never has more requests and pages than the run’s slots, and sends the next one when a slot comes back', async () => {
    const { slots, src, scan } = scanOf(2, 10);
    const page0 = await readPage(scan, src, 0);
    const page1 = await readPage(scan, src, 1);
    // Pages 0 and 1 hold both slots: requests 2 and 3 wait for one.
    await tick(20);
    expect(src.sent).toEqual([0, 1]);
    expect(slots.taken).toBe(2);
    page0.slot!();
    await tick();
    expect(src.sent).toEqual([0, 1, 2]);
    page1.slot!();
    await tick();
    expect(src.sent).toEqual([0, 1, 2, 3]);
    expect(src.maxOut).toBe(2);
    await close(scan, src);
  });

  it('does not send a request whose slot came back in the same turn as the scan was closed', async () => {
    const { slots, src, scan } = scanOf(2, 10);
    const page0 = await readPage(scan, src, 0);
    const page1 = await readPage(scan, src, 1);
    // Request 2 waits for a slot. The reader closes the scan, then gives page 0's slot back in the same turn: the slot
    // goes to request 2 before the scan has closed, and the request must still not be sent.
    const closing = scan.return(undefined);
    page0.slot!();
    await closing;
    expect(src.sent).toEqual([0, 1]);
    page1.slot!();
    expect(slots.taken).toBe(0);
  });

  it('hands the pages out in order whatever order the answers come in, and ends with every slot back', async () => {
    const { slots, src, scan } = scanOf(4, 6);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const page of scan) {
        seen.push(page.records[0] as string);
        page.slot!();
      }
    })();
    // Answers in reverse order of sending, whatever is out each time.
    for (let round = 0; round < 20 && seen.length < 6; round++) {
      await tick();
      for (const i of [...src.sent].reverse()) if (!seen.includes(`r${i}`)) await src.answer(i).catch(() => undefined);
    }
    src.answerAll();
    await reading;
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    // Requests past the last page were sent (the window was open) and settled before the scan ended.
    expect(src.sent.length).toBeGreaterThan(6);
    expect(src.sent.length).toBeLessThanOrEqual(6 + 2);
    expect(src.out).toBe(0);
    expect(slots.taken).toBe(0);
  });

  it('costs one request for a one-page scan and two for a two-page one', async () => {
    for (const [pages, requests] of [[1, 1], [2, 2]] as const) {
      const { slots, src, scan } = scanOf(4, pages);
      const reading = (async () => {
        for await (const page of scan) page.slot!();
      })();
      for (let i = 0; i < pages; i++) {
        await tick();
        await src.answer(i);
      }
      await reading;
      expect(src.sent).toHaveLength(requests);
      expect(slots.taken).toBe(0);
    }
  });

  it('fails at the page whose request failed, after the pages before it, and gives every slot back', async () => {
    const { slots, src, scan } = scanOf(4, 10);
    (await readPage(scan, src, 0)).slot!();
    (await readPage(scan, src, 1)).slot!();
    // Requests 2 and 3 are out: 3 answers, 2 fails.
    await src.answer(3);
    const failed = expect(scan.next()).rejects.toThrow('page 2 failed');
    await src.fail(2);
    await failed;
    expect(src.out).toBe(0);
    expect(slots.taken).toBe(0);
    expect((await scan.next()).done).toBe(true);
  });

  it('closed early, sends nothing more and waits for the requests out to settle before it closes', async () => {
    const { slots, src, scan } = scanOf(3, 10);
    (await readPage(scan, src, 0)).slot!();
    const page1 = await readPage(scan, src, 1);
    expect(src.sent).toEqual([0, 1, 2, 3]);
    let closed = false;
    const closing = scan.return(undefined).then(() => (closed = true));
    await tick(10);
    // Requests 2 and 3 are still out: the scan is not closed yet.
    expect(closed).toBe(false);
    page1.slot!();
    await src.answer(2, 3);
    await closing;
    expect(src.sent).toEqual([0, 1, 2, 3]);
    expect(slots.taken).toBe(0);
  });

  it('without the run’s slots (no sync run), keeps one request out at a time', async () => {
    const src = pagedSource(4);
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const page of readAhead(ctx(), { request: src.request, isLast: src.isLast, depth: 3 })) seen.push(page.records[0]);
    })();
    for (let i = 0; i < 4; i++) {
      await tick();
      await src.answer(i);
    }
    await reading;
    expect(seen).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(src.sent).toEqual([0, 1, 2, 3]);
    expect(src.maxOut).toBe(1);
  });
});
