// Bytes in base 32 (5 bits a character, most significant first, the last character padded with zero bits), in the
// alphabet the caller chooses: lowercase RFC 4648 for reply addresses, Crockford's for links typed by hand.
export function base32(bytes: Uint8Array, alphabet: string): string {
  if (alphabet.length !== 32) throw new Error('a base-32 alphabet has 32 characters');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
