// The text of a PDF written uncompressed by pdfkit (our letters and audit notes), for simulators that keep the
// documents they are sent (a provider shows the user the file; a test reads the words) and for tests: the hex strings
// of every TJ operator, decoded as WinAnsi, one line per operator. Not a general PDF reader: for compressed files,
// tests run pdftotext.

/** WinAnsi's 0x80-0x9F, where it differs from Latin-1 (Node's small ICU has no windows-1252 decoder). */
const WIN_ANSI: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž',
  0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

/** The lines of text of an uncompressed pdfkit file, one per TJ operator. */
export function pdfTextLines(pdf: Uint8Array): string[] {
  const lines: string[] = [];
  for (const m of Buffer.from(pdf).toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    const hex = [...(m[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
    lines.push([...Buffer.from(hex, 'hex')].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join(''));
  }
  return lines;
}
