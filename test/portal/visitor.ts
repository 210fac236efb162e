// What the portal's page tests share: a visitor's address, their frozen clock, and the text a reader sees.
//
// A visitor's address for the portal tests: random in 10.0.0.0/8, so that no per-address limit bucket is shared with
// another test or with an earlier run of the same file. The tests' clock is frozen, so a bucket's window never ends: an
// address reused run after run (Stryker reruns a file once per mutant) would reach the limit of 300 and answer 429.
import { randomInt } from 'node:crypto';

export const visitor = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** The portal tests' today: 24 November 2026, in Paris as in London. */
export const NOW = new Date('2026-11-24T10:00:00Z');

/** The text a reader sees of a page: no markup, one kind of space. */
export const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/[\s\u00a0\u202f]+/g, ' ');
