// Typed errors from providers, each saying what the operator or the engine should do next.

/** The provider throttled us; wait `retryAfterMs` (already honoured by the HTTP layer before surfacing). */
export class RateLimited extends Error {
  override name = 'RateLimited';
  constructor(readonly provider: string, readonly retryAfterMs: number, readonly problem: string = 'rate') {
    super(`${provider} throttled the request (${problem}); retrying after ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

/** The daily (or monthly) quota is spent: the connection pauses until `resetAt` instead of retrying. */
export class QuotaExhausted extends Error {
  override name = 'QuotaExhausted';
  constructor(readonly provider: string, readonly resetAt: Date) {
    super(`${provider} quota for today is used up; syncing resumes automatically at ${resetAt.toISOString()}.`);
  }
}

/** When a connection paused by QuotaExhausted resumes, read back from its message (the status detail it left), or null. */
export function quotaResumesAt(detail: string | null | undefined): Date | null {
  const m = /quota for today is used up; syncing resumes automatically at (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(detail ?? '');
  return m ? new Date(m[1]!) : null;
}

/** A connection with no stored tokens that this process can use (never connected, disconnected, or saved under another secret key). */
export class NotConnected extends Error {
  override name = 'NotConnected';
}

/** Tokens were revoked or the refresh token expired: the user must reconnect. */
export class AuthExpired extends Error {
  override name = 'AuthExpired';
  constructor(readonly provider: string, detail: string) {
    super(`${provider} rejected the connection's credentials (${detail}). Reconnect the company from the Connections page.`);
  }
}

/** Optimistic concurrency: the record changed since we read it; re-read and retry. */
export class StaleVersion extends Error {
  override name = 'StaleVersion';
  constructor(readonly provider: string, readonly externalId: string) {
    super(`${provider} record ${externalId} changed since it was read; it will be re-read and the write retried.`);
  }
}

/** The provider refused our request as invalid: a bug or an unsupported record, not worth retrying. */
export class ProviderRejected extends Error {
  override name = 'ProviderRejected';
  constructor(readonly provider: string, readonly status: number, readonly detail: string) {
    super(`${provider} rejected the request (${status}): ${detail}`);
  }
}

/** A transient provider failure (5xx, network): retried with backoff. */
export class ProviderUnavailable extends Error {
  override name = 'ProviderUnavailable';
  constructor(readonly provider: string, readonly status: number | null, readonly detail: string) {
    super(`${provider} is unavailable (${status ?? 'network error'}): ${detail}. Retrying with backoff.`);
  }
}

/** A webhook body that is not what the provider sends. */
export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}

/**
 * A re-read by id came back with records nobody asked for: the provider ignored the filter. Nothing is marked deleted
 * from such an answer (a missing id may only be past its first page); the connector's re-read needs fixing.
 */
export class UnfilteredAnswer extends Error {
  override name = 'UnfilteredAnswer';
  constructor(readonly source: string, readonly unexpected: string[]) {
    super(`${source} answered records that were not asked for (${unexpected.slice(0, 3).join(', ')}${unexpected.length > 3 ? '…' : ''}): it ignored the id filter, so no deletion was inferred. Report this to the Relance team.`);
  }
}
