// Relance's node options (src/node-flags.ts) are written out where a process starts without our code choosing its
// arguments: the installed command's first line and the npm scripts. They must say the same as the list, and the
// first line must actually start node with them (issue #29: the young generation is set before any of our code runs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RELANCE_NODE_FLAGS } from '../../src/node-flags.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/relance.mjs');

describe('node options of Relance processes', () => {
  it('the list bounds the young generation', () => {
    expect(RELANCE_NODE_FLAGS).toContain('--max-semi-space-size=4');
  });

  it('bin/relance.mjs starts node with exactly the list', () => {
    const first = readFileSync(BIN, 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${RELANCE_NODE_FLAGS.join(' ')}`);
  });

  it('the npm scripts that run relance pass exactly the list', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const prefix = `node ${RELANCE_NODE_FLAGS.join(' ')} bin/relance.mjs`;
    expect(scripts['start']).toBe(`${prefix} start`);
    expect(scripts['relance']).toBe(prefix);
    // Any other script that runs the entry point carries them too.
    for (const [name, line] of Object.entries(scripts)) if (line.includes('bin/relance.mjs')) expect(line, name).toContain(prefix);
  });

  it('run as a command, the entry point gets a 4 MB semi-space', () => {
    // The shebang's `env -S` splits the options; node on the PATH is this one (tests run under npm or npx).
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };
    // Short-lived objects grow the young generation to its bound; new_space is two semi-spaces.
    const probe = `import('node:v8').then((v8) => {
      let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = []; }
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
    })`;
    // `relance` itself has no command that prints its heap: run the same first line on a probe script.
    const shebang = readFileSync(BIN, 'utf8').split('\n')[0]!.slice(2).split(' ');
    const size = Number(execFileSync(shebang[0]!, [...shebang.slice(1), '--input-type=module', '-e', probe], { env, encoding: 'utf8' }));
    const defaults = Number(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env, encoding: 'utf8' }));
    expect(size).toBe(2 * 4 * 1024 * 1024);
    expect(defaults).toBeGreaterThan(size);
  });
});
