/**
 * SigV4 signing keys: four chained HMACs per (secret, date, region, service).
 * Every request of a day reuses the same key, so it is cached. The cache is
 * bounded and lives only in memory; keys are never logged or returned in
 * errors (invariant 4).
 */
import { hmacSha256 } from './crypto-util.js';

const MAX_CACHED_KEYS = 1024;
const cache = new Map<string, Buffer>();

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\u0000${date}\u0000${region}\u0000${service}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const kDate = hmacSha256(`AWS4${secret}`, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  const key = hmacSha256(kService, 'aws4_request');
  // Map iteration order is insertion order: dropping the first entry evicts the oldest.
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
  cache.set(id, key);
  return key;
}

/** Signs a string to sign with a derived key; lower-case hex as SigV4 sends it. */
export function signHex(signingKey: Buffer, stringToSign: string): string {
  return hmacSha256(signingKey, stringToSign).toString('hex');
}

/** For tests and key rotation: forget every cached key. */
export function clearSigningKeyCache(): void {
  cache.clear();
}
