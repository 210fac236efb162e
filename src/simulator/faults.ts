// Fault injection every simulator shares: a deterministic queue of the next faults, and a seeded random mode.
import { createRandom, type Random } from './prng.js';
import type { QuotaKey } from './quotas.js';

export const FAULT_KINDS = ['fail', 'throttle', 'timeout', 'reset', 'truncate', 'malform', 'duplicatePage', 'swapPages', 'expireToken'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault that one API call meets (page faults wait for the next paged list instead, token expiry for its call). */
export type CallFault =
  | { kind: 'fail'; status: number; body?: unknown }
  | { kind: 'throttle'; window?: QuotaKey; retryAfter?: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'reset' | 'truncate' | 'malform' };

type PageFault = 'duplicatePage' | 'swapPages';

/**
 * How long a timed-out call hangs before its connection drops: past Relance's 120 s client timeout (and the 120 s
 * after which some providers kill a request themselves), so a client with the default timeout gives up first.
 */
export const DEFAULT_HANG_MS = 130_000;
/** No hang outlives this, so a forgotten fault cannot hold a test or a demo server forever. */
export const MAX_HANG_MS = 300_000;

export interface RandomFaults {
  seed: number;
  /** Probability that an API call draws a fault, in [0, 1]. */
  rate: number;
  /** Kinds to draw from (default: all but `timeout`, whose hang would dominate a run). */
  kinds?: readonly FaultKind[];
  /** Statuses a drawn `fail` answers (default 500, 502, 503). */
  statuses?: readonly number[];
  /** Hang of a drawn `timeout` (default DEFAULT_HANG_MS). */
  timeoutMs?: number;
}

/** The faults a test, a bench or `relance simulate` can inject into any provider's simulator. */
export interface FaultControls {
  /** The next `count` API calls answer `status` (with the provider's error body, or `body`). */
  failNext(count: number, status: number, body?: unknown): void;
  /** The next `count` API calls answer the provider's own 429 (for `window`, with this Retry-After where it has one). */
  throttleNext(count: number, opts?: { window?: QuotaKey; retryAfter?: number }): void;
  /** The next `count` API calls hang `ms` (bounded by MAX_HANG_MS), then their connection drops. */
  timeoutNext(count: number, ms?: number): void;
  /** The next `count` API calls get their connection reset, with no response at all. */
  resetNext(count: number): void;
  /** The next `count` API calls answer their real status and headers with the body cut half way. */
  truncateNext(count: number): void;
  /** The next `count` API calls answer a complete body that is not valid JSON. */
  malformNext(count: number): void;
  /** The next `count` paged list calls (past the first page) serve the page before the one asked for. */
  duplicatePageNext(count: number): void;
  /** The next `count` paged list calls serve the following page, and the list's next call the skipped one. */
  swapPagesNext(count: number): void;
  /** Access tokens expire after `calls` more API calls: the sync that is running meets a 401 mid-way. */
  expireTokenAfter(calls: number): void;
  /** Each API call draws a fault with probability `rate`, reproducibly for a seed; null stops drawing. */
  random(opts: RandomFaults | null): void;
  /** Forgets every pending fault and stops random drawing (latency stays). */
  clear(): void;
  /** Added to every admitted API call. */
  latencyMs: number;
  /** Faults that took effect (API call number, kind), oldest first; the last 1000. */
  readonly injected: readonly { call: number; kind: FaultKind }[];
}

/**
 * The injector behind `ProviderSimulator.faults`: `controls` is the public face, the other methods are what the
 * gate and the providers' pagers ask.
 */
export class FaultInjector {
  readonly controls: FaultControls;
  private readonly calls: CallFault[] = [];
  private readonly pages: PageFault[] = [];
  private readonly log: { call: number; kind: FaultKind }[] = [];
  /** Per list: the offset a swap still owes it (kept only while owed, so a long-running server does not grow). */
  private readonly owed = new Map<string, number>();
  private callNo = 0;
  private expireIn: number | undefined;
  private drawing: { rng: Random; opts: RandomFaults; kinds: readonly FaultKind[] } | undefined;

  /** `expireTokens` is the provider's OAuth server expiring every access token it issued. */
  constructor(private readonly expireTokens: () => void) {
    const repeat = (count: number, add: () => void) => {
      for (let i = 0; i < count; i++) add();
    };
    this.controls = {
      failNext: (n, status, body) => repeat(n, () => this.calls.push({ kind: 'fail', status, ...(body === undefined ? {} : { body }) })),
      throttleNext: (n, o = {}) => repeat(n, () => this.calls.push({ kind: 'throttle', ...o })),
      timeoutNext: (n, ms = DEFAULT_HANG_MS) => repeat(n, () => this.calls.push({ kind: 'timeout', ms })),
      resetNext: (n) => repeat(n, () => this.calls.push({ kind: 'reset' })),
      truncateNext: (n) => repeat(n, () => this.calls.push({ kind: 'truncate' })),
      malformNext: (n) => repeat(n, () => this.calls.push({ kind: 'malform' })),
      duplicatePageNext: (n) => repeat(n, () => this.pages.push('duplicatePage')),
      swapPagesNext: (n) => repeat(n, () => this.pages.push('swapPages')),
      expireTokenAfter: (calls) => {
        this.expireIn = Math.max(0, calls);
      },
      random: (opts) => {
        this.drawing = opts ? { rng: createRandom(opts.seed), opts, kinds: opts.kinds ?? FAULT_KINDS.filter((k) => k !== 'timeout') } : undefined;
      },
      clear: () => {
        this.calls.length = 0;
        this.pages.length = 0;
        this.owed.clear();
        this.expireIn = undefined;
        this.drawing = undefined;
      },
      latencyMs: 0,
      injected: this.log,
    };
  }

  private record(kind: FaultKind): void {
    this.log.push({ call: this.callNo, kind });
    if (this.log.length > 1000) this.log.shift();
  }

  /** Opens an API call: a random draw joins the queue, and a token countdown that reached zero expires tokens. */
  begin(): void {
    this.callNo += 1;
    const d = this.drawing;
    // One draw per call whatever its outcome, so a seed gives the same faults on the same calls.
    if (d && d.rng.chance(d.opts.rate)) this.enqueue(d.rng.pick(d.kinds), d);
    if (this.expireIn === undefined) return;
    if (this.expireIn > 0) {
      this.expireIn -= 1;
      return;
    }
    this.expireIn = undefined;
    this.expireTokens();
    this.record('expireToken');
  }

  /** Queues a drawn fault directly, never through `controls`, which a provider may have wrapped. */
  private enqueue(kind: FaultKind, d: NonNullable<FaultInjector['drawing']>): void {
    if (kind === 'duplicatePage' || kind === 'swapPages') this.pages.push(kind);
    else if (kind === 'expireToken') this.expireIn = 0;
    else if (kind === 'fail') this.calls.push({ kind, status: d.rng.pick(d.opts.statuses ?? [500, 502, 503]) });
    else if (kind === 'timeout') this.calls.push({ kind, ms: d.opts.timeoutMs ?? DEFAULT_HANG_MS });
    else this.calls.push({ kind });
  }

  /** The fault this call meets, if any (asked once the provider has accepted the caller). */
  take(): CallFault | undefined {
    const f = this.calls.shift();
    if (f) this.record(f.kind);
    return f;
  }

  /**
   * Asked by a provider's pager before it slices a page of `list` (an entity or a query): the offset to serve
   * instead of `offset`. A duplicate serves the page before (and waits for a page that has one).
   */
  pageOffset(list: string, offset: number, size: number): number {
    const owed = this.owed.get(list);
    if (owed !== undefined) {
      this.owed.delete(list);
      return owed;
    }
    // Past the first page, as `swapPagesNext` says: a list that fits one page cannot come out of order.
    if (this.pages[0] === 'swapPages' && offset >= size) {
      this.pages.shift();
      this.record('swapPages');
      this.owed.set(list, offset);
      return offset + size;
    }
    if (this.pages[0] === 'duplicatePage' && offset >= size) {
      this.pages.shift();
      this.record('duplicatePage');
      return offset - size;
    }
    return offset;
  }

  /** Waits out a timed-out call: `ms` at most MAX_HANG_MS, less if the caller gives up first. */
  hang(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_HANG_MS));
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** The response a truncate or malform fault makes of the real one: same status and headers, broken body. */
  async spoil(res: Response, fault: CallFault): Promise<Response> {
    if (fault.kind !== 'truncate' && fault.kind !== 'malform') return res;
    const text = await res.text();
    // A trailing comma before the last bracket: complete, yet not JSON (a classic of hand-rolled serialisers).
    const body = fault.kind === 'truncate' ? text.slice(0, Math.floor(text.length / 2)) : /[}\]]\s*$/.test(text) ? text.replace(/([}\]])\s*$/, ',$1') : `${text},`;
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  }
}
