// The text of a letter generated uncompressed by pdfkit, for tests to assert on (compressed files: run pdftotext).
import { pdfTextLines } from '../../src/simulator/pdf-text.js';

/** Text of an uncompressed pdfkit file, its lines joined back into running text. */
export function pdfText(pdf: Buffer): string {
  // Lines wrapped by the layout are joined back; a break after a hyphen loses its space.
  // A wrapped line keeps its trailing space: runs of spaces count as one.
  return pdfTextLines(pdf).join(' ').replace(/\u00a0/g, ' ').replace(/ {2,}/g, ' ').replace(/(\S)- /g, '$1-');
}
