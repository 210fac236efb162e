// The answers a simulator gave while a test ran, bodies included, in the order the requests started (for validating them against a description).
import type { setupServer } from 'msw/node';

export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

/** Records every answer the simulator behind `server` gives; `settled()` returns them once every body is read. */
export function recordAnswers(server: ReturnType<typeof setupServer>) {
  const pending: Promise<Answer>[] = [];
  server.events.on('response:mocked', ({ request, response }) => {
    const copy = response.clone();
    pending.push(copy.text().then((body) => ({ method: request.method, url: request.url, status: response.status, contentType: response.headers.get('content-type') ?? '', body })));
  });
  return { settled: () => Promise.all(pending) };
}
