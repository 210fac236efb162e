// The answers a simulator gave while a test ran, bodies included, in the order the requests started (for validating them against a description).
import type { setupServer } from 'msw/node';

export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

/** Records every answer the simulator behind `server` gives; `settled()` waits for the bodies still being read. */
export function recordAnswers(server: ReturnType<typeof setupServer>) {
  const pending: Promise<Answer>[] = [];
  server.events.on('response:mocked', ({ request, response }) => {
    const copy = response.clone();
    pending.push(copy.text().then((body) => ({ method: request.method, url: request.url, status: response.status, contentType: response.headers.get('content-type') ?? '', body })));
  });
  return {
    settled: () => Promise.all(pending),
    clear: () => void pending.splice(0),
  };
}

/** Query parameter names of a URL, once each, in order. */
export const queryNames = (url: string) => [...new Set(new URL(url).searchParams.keys())];
