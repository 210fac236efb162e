// Constant-time comparison of secrets given by users (passwords, CSRF tokens).
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when both strings are equal; compares fixed-length digests so neither content nor length leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}
