// The pages one sync holds at once, across all its streams: a page takes a slot before it is read and gives it back once committed.

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * A first-in first-out count of slots. A sync's streams run in parallel, each reading ahead and preparing a page while
 * the previous one commits; without a bound shared by the streams, the pages waiting in memory grow with the number of
 * streams (and with how far the provider's answers outrun this process). With one, a sync holds at most `size` pages
 * read and not yet committed, whatever its streams.
 */
export class PageSlots {
  private free: number;
  private readonly waiting: { grant(release: Release): void; fail(err: unknown): void }[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a sync needs at least one page slot, got ${size}`);
    this.free = size;
  }

  /** Slots taken now. */
  get taken(): number {
    return this.size - this.free;
  }

  /** Resolves with a slot's release once one is free; rejects if `signal` aborts first (the slot is then not taken). */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise<Release>((resolve, reject) => {
      const entry = {
        grant: (release: Release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // Handed straight to the next in line: the count of slots taken does not change.
      if (next) next.grant(this.releaser());
      else this.free++;
    };
  }
}
