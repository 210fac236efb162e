// The node options every Relance process runs with (#29). V8 reads them when it sets up a heap, before any of our code
// runs, so they cannot be set from inside the process (bin/v8-flags.mjs sets what V8 reads later). They are written
// out, and kept equal to this list by test/repo/node-flags.test.ts, in:
// - bin/relance.mjs's first line (`#!/usr/bin/env -S node …`), for `relance …` run as an installed command;
// - package.json's `start` and `relance` scripts (`npm start`, `npm run relance -- work`);
// and used by whatever starts a Relance process itself: the tests, the chaos runs and the benchmarks.

/**
 * `--max-semi-space-size=4` (MB): V8's young generation is three semi-spaces of up to 16 MB by default, in every
 * isolate of the process: the main one and tsx's module-loader thread. Loading the sources fills them, and a sync's
 * pages keep them full. At 4 MB, `npm run bench -- sync-1m --quick` (2 shared cores) measured 132-139 MB resident
 * before the sync instead of 160-166 MB, and a peak 30-40 MB lower, for the same CPU per record (85.8-88.0 µs before,
 * 88.7-88.8 µs after, within the run-to-run noise): the objects of a page outlive a 4 MB scavenge either way.
 */
export const RELANCE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
