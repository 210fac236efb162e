// The outbox read as step history: delivered, planned, failed and bounced steps, re-plannable cancellations, day load.
import { describe, expect, it } from 'vitest';
import { foldStepHistory, type OutboxRow } from '../../src/store/step-history.js';

const S = 'ten/con';
const row = (key: string, patch: Partial<OutboxRow> = {}): OutboxRow => ({
  key: `${S}|${key}`, covers: [], kind: 'email', state: 'sent', dueAt: new Date('2026-03-03T08:00:00Z'), updatedAt: new Date('2026-03-03T08:05:00Z'), lastError: null, customer: 'c1', bounced: null, ...patch,
});

describe('step history from the outbox', () => {
  it('a sent step is delivered on the day it went out, in the tenant time zone; a planned one on its due day', () => {
    const h = foldStepHistory([
      row('inv:1|reminder-1|v1', { updatedAt: new Date('2026-03-03T23:30:00Z') }),
      row('inv:2|reminder-1|v1', { state: 'planned', dueAt: new Date('2026-03-05T08:00:00Z') }),
    ], 'Europe/Paris');
    expect(h.history.get(`${S}|inv:1|reminder-1`)).toEqual({ on: '2026-03-04', delivered: true });
    expect(h.history.get(`${S}|inv:2|reminder-1`)).toEqual({ on: '2026-03-05', delivered: false });
    expect([...h.planned].sort()).toEqual([`${S}|inv:1|reminder-1|v1`, `${S}|inv:2|reminder-1|v1`]);
  });

  it('a grouped action delivers every step it covers', () => {
    const h = foldStepHistory([row('cc:c1:EUR:ab|firm|v1', { covers: [`${S}|inv:1|firm|v1`, `${S}|inv:2|reminder-1|v1`] })], 'Europe/Paris');
    expect(h.history.get(`${S}|inv:2|reminder-1`)).toEqual({ on: '2026-03-03', delivered: true });
    expect(h.planned.has(`${S}|inv:1|firm|v1`)).toBe(true);
  });

  it('failed and bounced steps are not delivered, unless the fallback letter went', () => {
    const h = foldStepHistory([
      row('inv:1|firm|v1', { state: 'failed', lastError: 'no e-mail address' }),
      row('inv:2|firm|v1', { bounced: 'mailbox unknown' }),
      row('inv:3|firm|v1', { bounced: 'mailbox unknown' }),
      row('inv:3|firm|v1|letter', { kind: 'letter', updatedAt: new Date('2026-03-06T10:00:00Z') }),
    ], 'Europe/Paris');
    expect(h.history.get(`${S}|inv:1|firm`)).toEqual({ on: '2026-03-03', delivered: false, failed: 'no e-mail address' });
    expect(h.history.get(`${S}|inv:2|firm`)).toEqual({ on: '2026-03-03', delivered: false, failed: 'bounced: mailbox unknown' });
    expect(h.history.get(`${S}|inv:3|firm`)).toEqual({ on: '2026-03-06', delivered: true });
  });

  it('a cancelled step is free to plan again under its next revision, unless a later revision lives', () => {
    const h = foldStepHistory([
      row('inv:1|reminder-2|v1', { state: 'cancelled' }),
      row('inv:2|reminder-2|v1', { state: 'cancelled' }),
      row('inv:2|reminder-2|v1|r1', { state: 'cancelled' }),
      row('inv:3|reminder-2|v1', { state: 'cancelled' }),
      row('inv:3|reminder-2|v1|r1', { state: 'planned' }),
    ], 'Europe/Paris');
    expect(h.revisions).toEqual(new Map([[`${S}|inv:1|reminder-2`, 1], [`${S}|inv:2|reminder-2`, 2]]));
    expect(h.planned.has(`${S}|inv:1|reminder-2|v1`)).toBe(false);
    expect(h.planned.has(`${S}|inv:3|reminder-2|v1`)).toBe(true);
  });

  it('counts each send day’s messages and customers, leaving out alerts, failures and cancellations', () => {
    const h = foldStepHistory([
      row('a|reminder-1|v1', { state: 'planned', dueAt: new Date('2026-03-05T08:00:00Z') }),
      row('b|handoff|v1', { kind: 'handoff', state: 'planned', customer: 'c2', dueAt: new Date('2026-03-05T08:00:00Z') }),
      row('c|alert', { kind: 'alert', state: 'planned', customer: 'c3', dueAt: new Date('2026-03-05T08:00:00Z') }),
      row('d|reminder-1|v1', { state: 'failed', customer: 'c4', dueAt: new Date('2026-03-05T08:00:00Z') }),
      row('e|reminder-1|v1', { state: 'cancelled', customer: 'c5', dueAt: new Date('2026-03-05T08:00:00Z') }),
    ], 'Europe/Paris');
    expect(h.load.get('2026-03-05')).toEqual({ messages: 1, customers: new Set(['c1', 'c2']) });
  });
});

describe('last contact per customer', () => {
  it('is the last overdue message sent or planned; one still unsent from an earlier day counts as going today', () => {
    const h = foldStepHistory([
      row('a|reminder-1|v1', { customer: 'c1', stepId: 'reminder-1', updatedAt: new Date('2026-03-03T09:00:00Z') }),
      row('b|courtesy|v1', { customer: 'c1', stepId: 'courtesy', updatedAt: new Date('2026-03-06T09:00:00Z') }),
      row('c|reminder-1|v1', { customer: 'c2', stepId: 'reminder-1', state: 'planned', dueAt: new Date('2026-03-02T08:00:00Z') }),
      row('d|reminder-1|v1', { customer: 'c3', stepId: 'reminder-1', state: 'planned', dueAt: new Date('2026-03-12T08:00:00Z') }),
    ], 'Europe/Paris', new Set(['courtesy']), '2026-03-10');
    expect(h.lastContact).toEqual(new Map([['c1', '2026-03-03'], ['c2', '2026-03-10'], ['c3', '2026-03-12']]));
  });
});
