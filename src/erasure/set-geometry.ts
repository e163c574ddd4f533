/**
 * The rules that shape erasure sets, as MinIO and RustFS apply them: one
 * place for the configuration's checks and the deployment's choices.
 */

export const MAX_SET_DRIVES = 16;

/** The largest divisor of the drive count up to 16 (1 for a single drive, or when none divides). */
export function defaultSetDriveCount(driveCount: number): number {
  for (let size = Math.min(MAX_SET_DRIVES, driveCount); size > 1; size--) {
    if (driveCount % size === 0) return size;
  }
  return 1;
}

/** Parity drives by set size: 1 → 0, 2–3 → 1, 4–5 → 2, 6–7 → 3, 8+ → 4. */
export function defaultParity(setSize: number): number {
  if (setSize <= 1) return 0;
  if (setSize <= 3) return 1;
  if (setSize <= 5) return 2;
  if (setSize <= 7) return 3;
  return 4;
}

/** Parity may be at most half the set, so data shards never number fewer than parity. */
export function maxParity(setSize: number): number {
  return Math.floor(setSize / 2);
}
