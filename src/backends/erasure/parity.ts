/**
 * Parity drives per storage class. Defaults by set size as MinIO and RustFS
 * choose them: 1 drive → 0, 2–3 → 1, 4–5 → 2, 6–7 → 3, 8+ → 4; reduced
 * redundancy defaults to one parity drive (none on a single drive). Parity
 * may be at most half the set, so data shards never number fewer than parity.
 */
import { defaultParity, maxParity } from '../../erasure/set-geometry.js';
import type { StorageClass } from '../../s3/types.js';

export type ParityByStorageClass = Record<StorageClass, number>;

export function resolveParity(setSize: number, given: Partial<ParityByStorageClass>): ParityByStorageClass {
  const standard = given.STANDARD ?? defaultParity(setSize);
  const parity: ParityByStorageClass = { STANDARD: standard, REDUCED_REDUNDANCY: given.REDUCED_REDUNDANCY ?? Math.min(1, standard) };
  for (const [storageClass, count] of Object.entries(parity)) {
    if (!Number.isInteger(count) || count < 0 || count > maxParity(setSize)) {
      throw new Error(`${storageClass} parity EC:${count} is not possible on erasure sets of ${setSize} drives (at most EC:${maxParity(setSize)})`);
    }
  }
  return parity;
}
