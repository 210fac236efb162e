// The text of a simple PDF as its reader would see it, for simulators that keep the documents they are sent (a
// provider shows the user the file; a test reads the words). Reads the strings of each text-showing operator (TJ
// arrays and Tj, hex or literal, in streams stored plain or deflated) in the standard fonts' WinAnsi encoding, one
// line per operator. Not a general PDF reader: embedded fonts with their own encodings are out of its scope.
import { inflateSync } from 'node:zlib';

/** WinAnsi's 0x80-0x9F, where it differs from Latin-1. */
const WIN_ANSI: Record<number, string> = {
  0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž',
  0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ',
};

const decode = (bytes: Buffer) => Array.from(bytes, (b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('');

/** A PDF string's bytes: `<hex>` or `(literal)` with its backslash escapes. */
function stringBytes(token: string): Buffer {
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    return Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
  }
  const body = token.slice(1, -1).replace(/\\([0-7]{1,3}|.)/gs, (_m, e: string) => {
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? (e === '\n' ? '' : e);
  });
  return Buffer.from(body, 'latin1');
}

const STRING = /<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\)/g;
const SHOW = /\[((?:[^\]\\]|\\.)*)\]\s*TJ|(<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\))\s*Tj/g;

export function pdfText(pdf: Uint8Array): string {
  const raw = Buffer.from(pdf).toString('latin1');
  const contents = [raw];
  for (const m of raw.matchAll(/\/FlateDecode[^]*?stream\r?\n([^]*?)\r?\nendstream/g)) {
    try {
      contents.push(inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1'));
    } catch {
      // Not a content stream we can read (an image, a font): no text in it.
    }
  }
  const lines: string[] = [];
  for (const content of contents) {
    for (const op of content.matchAll(SHOW)) {
      const strings = op[1] !== undefined ? [...op[1].matchAll(STRING)].map((s) => s[0]) : [op[2]!];
      lines.push(strings.map((s) => decode(stringBytes(s))).join(''));
    }
  }
  return lines.join('\n');
}
