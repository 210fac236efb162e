// Xero connector pure parts: MS-JSON dates, If-Modified-Since format, history notes within 250 characters, error classification.
import { describe, expect, it } from 'vitest';
import { classifyError, ifModifiedSince, xeroDateMs } from '../../connectors/xero/client.js';
import { NOTE_MAX, markerOf, noteFor } from '../../connectors/xero/writeback.js';
import { AuthExpired, ProviderRejected, QuotaExhausted, RateLimited } from '../../src/connectors/errors.js';

describe('xeroDateMs', () => {
  it('reads the epoch milliseconds whatever the offset says, and ISO strings as UTC', () => {
    expect(xeroDateMs('/Date(1780185600000+0000)/')).toBe(Date.UTC(2026, 4, 31));
    expect(xeroDateMs('/Date(1451988985943+1300)/')).toBe(1451988985943);
    expect(xeroDateMs('2026-05-31T00:00:00')).toBe(Date.UTC(2026, 4, 31));
    expect(xeroDateMs('2026-05-31T02:00:00+02:00')).toBe(Date.UTC(2026, 4, 31));
    expect(xeroDateMs('yesterday')).toBeNull();
    expect(xeroDateMs(42)).toBeNull();
  });

  it('formats If-Modified-Since in UTC without zone, to the second', () => {
    expect(ifModifiedSince(Date.UTC(2026, 6, 14, 8, 5, 3, 999))).toBe('2026-07-14T08:05:03');
  });
});

describe('history notes', () => {
  const status = { key: 'tenant/conn|inv:42|firm|v1', step: 'firm', channel: 'email', date: '2026-11-22', summary: 'x'.repeat(400), promisedPaymentDate: '2026-12-01' };
  it('fit in 250 characters and always keep the marker that makes a retry recognisable', () => {
    const note = noteFor(status);
    expect(note.length).toBeLessThanOrEqual(NOTE_MAX);
    expect(note.endsWith(markerOf(status.key))).toBe(true);
    expect(note).toContain('promise 2026-12-01');
    expect(noteFor({ ...status, summary: 'Relance ferme envoyée' })).toBe(`Relance 2026-11-22 firm (email): Relance ferme envoyée · promise 2026-12-01 ${markerOf(status.key)}`);
  });
  it('use a different marker per status change', () => {
    expect(markerOf('a|reminder-1|v1')).not.toBe(markerOf('a|reminder-2|v1'));
  });
});

describe('classifyError', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  it('turns the daily limit into QuotaExhausted with the reset time and the minute limit into RateLimited', () => {
    const day = classifyError(429, '', h({ 'x-rate-limit-problem': 'day', 'retry-after': '3600' }));
    expect(day).toBeInstanceOf(QuotaExhausted);
    expect((day as QuotaExhausted).resetAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
    const minute = classifyError(429, '', h({ 'x-rate-limit-problem': 'minute', 'retry-after': '17' }));
    expect(minute).toBeInstanceOf(RateLimited);
    expect((minute as RateLimited).retryAfterMs).toBe(17_000);
  });
  it('surfaces validation messages and asks for a reconnect on 401/403', () => {
    const body = { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: 'Details must be 250 characters or less' }] }] };
    const err = classifyError(400, body, h({}));
    expect(err).toBeInstanceOf(ProviderRejected);
    expect(err.message).toContain('250 characters');
    expect(classifyError(401, { Title: 'Unauthorized', Detail: 'TokenExpired: token expired' }, h({}))).toBeInstanceOf(AuthExpired);
    expect(classifyError(403, { Detail: 'AuthenticationUnsuccessful' }, h({})).message).toMatch(/Reconnect/);
  });
});
