// What each provider's write-back writes, as text: QuickBooks' PrivateNote block, Sage's contact-notes block and
// attachment line, Xero's 250-character history note, Pennylane's audit appendix and category merge. The user's own
// text is kept whole, the marker that makes a retry recognisable is never cut, and each provider's limit holds.
import { describe, expect, it } from 'vitest';
import { auditNote, categoryLabel, markerOf as pennylaneMarker, mergeCategories } from '../../connectors/pennylane/writeback.js';
import { PRIVATE_NOTE_MAX, markerOf as qboMarker, withStatusBlock } from '../../connectors/quickbooks/writeback.js';
import { BLOCK_END, BLOCK_LINES, BLOCK_START, markerOf as sageMarker, statusLine, withStatusLine } from '../../connectors/sage/writeback.js';
import { NOTE_MAX, markerOf as xeroMarker, noteFor } from '../../connectors/xero/writeback.js';
import type { CollectionsStatus } from '../../src/connectors/types.js';

const status: CollectionsStatus = { key: 'tenant-1|inv:42|firm|v1', step: 'firm', channel: 'email', date: '2026-11-22', summary: 'Relance ferme envoyée' };
const promised: CollectionsStatus = { ...status, promisedPaymentDate: '2026-12-15' };

describe('markers', () => {
  it('are # and the first 12 hex digits of the key’s SHA-256, the same in every provider', () => {
    // sha256('tenant-1|inv:42|firm|v1') = 2d843fdefe0f…
    for (const markerOf of [qboMarker, sageMarker, xeroMarker, pennylaneMarker]) expect(markerOf(status.key)).toBe('#2d843fdefe0f');
  });
});

describe('QuickBooks PrivateNote', () => {
  const block = (s: CollectionsStatus) => `[relance] ${s.date} ${s.step} (${s.channel}): ${s.summary}${s.promisedPaymentDate ? ` · promise ${s.promisedPaymentDate}` : ''} ${qboMarker(s.key)}[/relance]`;

  it('an empty note gets our block alone; the user’s note gets it on a line of its own after their text', () => {
    expect(withStatusBlock(null, status)).toBe(block(status));
    expect(withStatusBlock(undefined, promised)).toBe(`[relance] 2026-11-22 firm (email): Relance ferme envoyée · promise 2026-12-15 ${qboMarker(status.key)}[/relance]`);
    expect(withStatusBlock('', status)).toBe(block(status));
    expect(withStatusBlock('Client prefers calls', status)).toBe(`Client prefers calls\n${block(status)}`);
  });

  it('our earlier block is replaced in place, the user’s text around it untouched', () => {
    const note = `Before\n[relance] 2026-11-01 friendly (email): old [stuff] #000000000000[/relance]\nAfter [not ours]`;
    expect(withStatusBlock(note, promised)).toBe(`Before\n${block(promised)}\nAfter [not ours]`);
  });

  it('up to the limit the whole block is kept; past it our summary is shortened, never the user’s text', () => {
    const long = { ...status, summary: 'y'.repeat(200) };
    const exact = 'u'.repeat(PRIVATE_NOTE_MAX - block(long).length - 1);
    expect(withStatusBlock(exact, long)).toBe(`${exact}\n${block(long)}`);
    expect(withStatusBlock(exact, long)).toHaveLength(PRIVATE_NOTE_MAX);
    const over = `${exact}u`;
    const short = `[relance] 2026-11-22 firm ${qboMarker(status.key)}[/relance]`;
    expect(withStatusBlock(over, long)).toBe(`${over}\n${short}`);
    // An earlier block is replaced by the short one, in place.
    const withOld = `${'u'.repeat(3900)}\n[relance] old #000000000000[/relance]\nend`;
    expect(withStatusBlock(withOld, long)).toBe(`${'u'.repeat(3900)}\n${short}\nend`);
  });

  it('a note with no room even for the short block is refused with its length, not cut', () => {
    const short = `[relance] 2026-11-22 firm ${qboMarker(status.key)}[/relance]`;
    const fits = 'u'.repeat(PRIVATE_NOTE_MAX - short.length - 1);
    expect(withStatusBlock(fits, { ...status, summary: 'z'.repeat(300) })).toBe(`${fits}\n${short}`);
    const full = `${fits}u`;
    expect(() => withStatusBlock(full, status)).toThrow(`the invoice's private note is full (${full.length}/${PRIVATE_NOTE_MAX} characters); shorten it in QuickBooks`);
  });
});

describe('Sage contact notes and status line', () => {
  it('the line: the invoice’s number, the status on one line, the promise and the marker', () => {
    expect(statusLine('SI-7', { ...promised, summary: '  First\n reminder\tsent  ' })).toBe(`SI-7: 2026-11-22 firm (email) First reminder sent · promise 2026-12-15 ${sageMarker(status.key)}`);
    expect(statusLine('SI-7', status)).toBe(`SI-7: 2026-11-22 firm (email) Relance ferme envoyée ${sageMarker(status.key)}`);
  });

  it('empty notes get our block alone; the user’s notes keep their text, trailing blanks trimmed, a blank line before ours', () => {
    expect(withStatusLine(null, 'SI-1', 'SI-1: one')).toBe(`${BLOCK_START}\nSI-1: one\n${BLOCK_END}`);
    expect(withStatusLine('   \n', 'SI-1', 'SI-1: one')).toBe(`${BLOCK_START}\nSI-1: one\n${BLOCK_END}`);
    expect(withStatusLine('  Calls only after 2pm \n\n', 'SI-1', 'SI-1: one')).toBe(`  Calls only after 2pm\n\n${BLOCK_START}\nSI-1: one\n${BLOCK_END}`);
  });

  it('the invoice’s earlier line is replaced, other invoices’ lines kept (a number that starts another’s is not it), the user’s text around kept', () => {
    const notes = `Mine before\n${BLOCK_START}\n  SI-1: old  \n\nSI-10: other\n${BLOCK_END}\nMine after`;
    expect(withStatusLine(notes, 'SI-1', 'SI-1: new')).toBe(`Mine before\n${BLOCK_START}\nSI-10: other\nSI-1: new\n${BLOCK_END}\nMine after`);
  });

  it('keeps the latest lines only', () => {
    const lines = Array.from({ length: BLOCK_LINES }, (_, i) => `SI-${i}: s`);
    const notes = [BLOCK_START, ...lines, BLOCK_END].join('\n');
    expect(withStatusLine(notes, 'SI-new', 'SI-new: s')).toBe([BLOCK_START, ...lines.slice(1), 'SI-new: s', BLOCK_END].join('\n'));
  });

  it('notes without our block keep all of their lines out of it, however long', () => {
    const notes = 'Accounts payable: Jo, extension 214\nPays on the 10th of each month\nSI-1: a line of the user, not ours';
    expect(withStatusLine(notes, 'SI-2', 'SI-2: new')).toBe(`${notes}\n\n${BLOCK_START}\nSI-2: new\n${BLOCK_END}`);
  });

  it('an end marker before our start, or none, is no block: ours is added after the text', () => {
    const unended = `${BLOCK_START}\nSI-7: the user typed this after an unended start`;
    expect(withStatusLine(unended, 'SI-1', 'SI-1: new')).toBe(`${unended}\n\n${BLOCK_START}\nSI-1: new\n${BLOCK_END}`);
    const odd = `${BLOCK_END}\nuser text\n${BLOCK_START}\nSI-1: old`;
    expect(withStatusLine(odd, 'SI-1', 'SI-1: new')).toBe(`${odd}\n\n${BLOCK_START}\nSI-1: new\n${BLOCK_END}`);
  });
});

describe('Xero history note', () => {
  const marker = xeroMarker(status.key);

  it('is the head, the summary, the promise and the marker last', () => {
    expect(noteFor(status)).toBe(`Relance 2026-11-22 firm (email): Relance ferme envoyée ${marker}`);
    expect(noteFor(promised)).toBe(`Relance 2026-11-22 firm (email): Relance ferme envoyée · promise 2026-12-15 ${marker}`);
  });

  it('a summary that fits exactly is kept whole; one character more is cut with an ellipsis to exactly the limit', () => {
    const head = 'Relance 2026-11-22 firm (email): ';
    const tail = ` · promise 2026-12-15 ${marker}`;
    const room = NOTE_MAX - head.length - tail.length;
    const fits = { ...promised, summary: 's'.repeat(room) };
    expect(noteFor(fits)).toBe(`${head}${'s'.repeat(room)}${tail}`);
    expect(noteFor(fits)).toHaveLength(NOTE_MAX);
    const over = noteFor({ ...promised, summary: 's'.repeat(room + 1) });
    expect(over).toBe(`${head}${'s'.repeat(room - 1)}…${tail}`);
    expect(over).toHaveLength(NOTE_MAX);
  });

  it('a head that leaves no room keeps the marker and an ellipsis for the summary', () => {
    const note = noteFor({ ...status, step: 'x'.repeat(NOTE_MAX) });
    expect(note.endsWith(`(email): … ${marker}`)).toBe(true);
  });
});

describe('Pennylane audit appendix and categories', () => {
  const marker = pennylaneMarker(status.key);

  it('the audit note: one line each for what, the summary, the promise if any and the reference; the file named after date, step and marker', () => {
    expect(auditNote(promised)).toEqual({
      filename: `relance-2026-11-22-firm-${marker.slice(1)}.pdf`,
      text: `Relance — 2026-11-22 — firm (email)\nRelance ferme envoyée\nPromesse de paiement : 2026-12-15\nRéf. ${marker}\n`,
    });
    expect(auditNote(status).text).toBe(`Relance — 2026-11-22 — firm (email)\nRelance ferme envoyée\nRéf. ${marker}\n`);
    expect(auditNote({ ...status, step: 'mise en demeure/2' }).filename).toBe(`relance-2026-11-22-mise_en_demeure_2-${marker.slice(1)}.pdf`);
    // A run of other characters is one underscore.
    expect(auditNote({ ...status, step: 'lettre  / recommandée' }).filename).toBe(`relance-2026-11-22-lettre_recommand_e-${marker.slice(1)}.pdf`);
  });

  it('the category of a step is named after it', () => {
    expect(categoryLabel('firm')).toBe('Relance · firm');
  });

  it('keeps every category of the company’s other groups with its weight (1 when none is given), and ours for the step alone', () => {
    const current = [
      { id: 1, label: 'Projet A', weight: '0.25', category_group: { id: 10 } },
      { id: 2, label: 'Projet B', category_group: { id: 10 } },
      { id: 3, label: 'Relance · friendly', weight: '1', category_group: { id: 99 } },
      { id: 4, label: 'Sans groupe' },
    ];
    expect(mergeCategories(current, 99, 5)).toEqual([
      { id: 1, weight: '0.25' },
      { id: 2, weight: '1' },
      { id: 4, weight: '1' },
      { id: 5, weight: '1' },
    ]);
  });
});
