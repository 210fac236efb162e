// spreadPhase: each schedule's stable place in its period, so schedules set together do not fall due together.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spreadPhase } from '../../src/queue/driver.js';

describe('spreadPhase', () => {
  it('is the same for the same key and period, in every call (every process, every restart)', () => {
    const key = `sync:${randomUUID()}`;
    expect(spreadPhase(key, 60_000)).toBe(spreadPhase(key, 60_000));
    expect(spreadPhase('sync:3f2b8c1e-0000-4000-8000-000000000001', 600_000)).toBe(spreadPhase('sync:3f2b8c1e-0000-4000-8000-000000000001', 600_000));
  });

  it('stays inside the period and is never 0 (BullMQ reads 0 as no phase)', () => {
    for (let i = 0; i < 2000; i++) {
      const p = spreadPhase(`sync:${randomUUID()}`, 10_000);
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThan(10_000);
    }
  });

  it('spreads 2,000 connections over the period: every tenth of it holds between 150 and 250 of them', () => {
    const every = 600_000;
    const tenths = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) tenths[Math.floor((spreadPhase(`sync:${randomUUID()}`, every) / every) * 10)]!++;
    for (const n of tenths) expect(n).toBeGreaterThan(150);
    for (const n of tenths) expect(n).toBeLessThan(250);
  });
});
