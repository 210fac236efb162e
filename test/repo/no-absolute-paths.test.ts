// No tracked file names an absolute path of the machine it was written on, so the repository works in any clone.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Generated, and full of registry URLs rather than paths. */
const EXCLUDED = new Set(['package-lock.json']);
/** Third-party files vendored unmodified: the providers' API descriptions, whose API routes (Xero's Users route) look like machine paths. */
const VENDORED = 'test/fidelity/specs/';
/**
 * A machine's own top-level folders, as a path: `/<dir>/…` not preceded by a word character, `.` or `~` (so
 * `../work/`, `~/tmp/` and `https://host/home/` pass). A bare temp folder (quoted, or before a space) counts too:
 * code takes os.tmpdir() instead.
 */
const MACHINE_PATH = /(?<![\w.~])\/(?:work|home|root|tmp|Users)\/|(?<![\w.~])\/tmp(?=['"`\s)]|$)/;

/** `line: text` for each line of `text` naming such a path. */
function machinePaths(text: string): string[] {
  return text.split('\n').flatMap((line, i) => (MACHINE_PATH.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
}

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
}

describe('absolute paths', () => {
  it('the detector flags machine paths and leaves relative paths, URLs and routes alone', () => {
    const slash = '/';
    const flagged = [`const d = '${slash}work${slash}shared${slash}realdata';`, `cd ${slash}home${slash}me${slash}relance`, `x ${slash}root${slash}.cache`, `open('${slash}tmp${slash}x.json')`, `dir = "${slash}tmp"`, `${slash}Users${slash}me${slash}src`];
    const clean = [`'..${slash}shared${slash}realdata'`, `'..${slash}..${slash}workers${slash}index.ts'`, `https:${slash}${slash}example.com${slash}home${slash}page`, `app.get('${slash}home', h)`, `~${slash}tmp${slash}x`, `mkdtempSync(join(tmpdir(), 'relance-'))`];
    expect(flagged.map((l) => machinePaths(l).length)).toEqual(flagged.map(() => 1));
    expect(clean.flatMap(machinePaths)).toEqual([]);
    expect(machinePaths(`a\nb ${slash}work${slash}x\nc`)).toEqual([`2: b ${slash}work${slash}x`]);
  });

  it('no tracked file names one (file:line listed)', () => {
    const files = trackedFiles();
    expect(files).toContain('package.json');
    const hits = files
      .filter((f) => !EXCLUDED.has(f) && !f.startsWith('node_modules/') && !f.startsWith(VENDORED) && existsSync(join(ROOT, f)))
      .flatMap((f) => {
        const text = readFileSync(join(ROOT, f), 'utf8');
        return text.includes('\0') ? [] : machinePaths(text).map((hit) => `${f}:${hit}`);
      });
    expect(hits).toEqual([]);
  });
});
