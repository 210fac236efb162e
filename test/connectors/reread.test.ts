// absentFrom: deletions inferred from a re-read only when the answer holds nothing but the ids asked for.
import { describe, expect, it } from 'vitest';
import { UnfilteredAnswer } from '../../src/connectors/errors.js';
import { absentFrom } from '../../src/connectors/reread.js';

const id = (r: { id: string }) => r.id;

describe('absentFrom', () => {
  it('names the requested ids the filtered answer lacks, in request order', () => {
    expect(absentFrom('test', ['3', '1', '2'], [{ id: '2' }], id)).toEqual(['3', '1']);
    expect(absentFrom('test', ['1'], [{ id: '1' }], id)).toEqual([]);
    expect(absentFrom('test', ['7', '8'], [], id)).toEqual(['7', '8']);
  });

  it('matches GUIDs whatever their case, and returns them as asked', () => {
    const asked = ['ABCDEF01-0000-4000-8000-000000000001', 'abcdef01-0000-4000-8000-000000000002'];
    expect(absentFrom('test', asked, [{ id: 'abcdef01-0000-4000-8000-000000000001' }], id)).toEqual([asked[1]]);
  });

  it('refuses an answer with an id nobody asked for: the filter was ignored, a missing id may be on a later page', () => {
    const run = () => absentFrom('Xero /CreditNotes', ['2'], [{ id: '1' }, { id: '3' }], id);
    expect(run).toThrow(UnfilteredAnswer);
    expect(run).toThrow(/Xero \/CreditNotes answered records that were not asked for \(1, 3\)/);
  });
});
