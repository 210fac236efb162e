// Whether bytes are a PDF, by its first bytes ("%PDF-"), never by what a sender claims.
const MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d];

export const isPdf = (bytes: Uint8Array): boolean => bytes.length > MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
