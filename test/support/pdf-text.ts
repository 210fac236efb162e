// The text of a letter generated uncompressed by pdfkit, for tests to assert on (compressed files: run pdftotext).
// The WinAnsi bytes that differ from Latin-1 and that our letters use (Node's small ICU has no windows-1252 decoder).
const CP1252: Record<number, string> = { 0x80: '€', 0x85: '…', 0x8c: 'Œ', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x9c: 'œ' };

/** Text of an uncompressed pdfkit file: the hex strings of every TJ operator, decoded as WinAnsi, one line per operator. */
export function pdfText(pdf: Buffer): string {
  const src = pdf.toString('latin1');
  const lines: string[] = [];
  for (const m of src.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    const hex = [...(m[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
    lines.push([...Buffer.from(hex, 'hex')].map((b) => CP1252[b] ?? String.fromCharCode(b)).join(''));
  }
  // Lines wrapped by the layout are joined back; a break after a hyphen loses its space.
  // A wrapped line keeps its trailing space: runs of spaces count as one.
  return lines.join(' ').replace(/\u00a0/g, ' ').replace(/ {2,}/g, ' ').replace(/(\S)- /g, '$1-');
}

