// The CLI option parser: values, flags, and options given several times (`--guarantee A --guarantee B`), kept in order.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';

describe('parseArgs', () => {
  it('keeps every value of a repeatable option in order, and the last of a single-value one', () => {
    const p = parseArgs(['--guarantee', 'Caution', '--out=a.pdf', '--guarantee=Nantissement', '--flag', '--out', 'b.pdf', 'x'], { values: ['out'], flags: ['flag'], lists: ['guarantee'] });
    expect(p.lists.get('guarantee')).toEqual(['Caution', 'Nantissement']);
    expect(p.values.get('out')).toBe('b.pdf');
    expect([...p.flags]).toEqual(['flag']);
    expect(p.positional).toEqual(['x']);
    expect(p.values.has('guarantee')).toBe(false);
  });

  it('refuses a repeatable option without a value, and an unknown option', () => {
    expect(() => parseArgs(['--guarantee'], { lists: ['guarantee'] })).toThrow(UsageError);
    expect(() => parseArgs(['--guarantee', '--out', 'x'], { values: ['out'], lists: ['guarantee'] })).toThrow('--guarantee needs a value');
    expect(() => parseArgs(['--nope'], { lists: ['guarantee'] })).toThrow('unknown option --nope');
  });
});
