// Overlaps I/O: asks the source for item n+1 as soon as item n is handed out.
export async function* prefetch<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = it.next();
      // The rejection is observed when the consumer asks for it; until then keep Node from calling it unhandled.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    await it.return?.();
  }
}
