/** Small hashing helpers shared by the signature verifiers. */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Uint8Array): string {
  // One-shot: about a third of createHash's cost for a canonical request (every SigV4 request hashes one).
  return hash('sha256', data, 'hex');
}

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * Compares a signature the client sent with the one we computed without
 * leaking, through timing, how many leading characters matched. A length
 * difference is not secret (the expected length is public), so it may return
 * early.
 */
export function signaturesEqual(provided: string, expected: string): boolean {
  const a = Buffer.from(provided, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
