/**
 * Erasure geometry settings as operators write them: the erasure set size
 * (CAIRN_ERASURE_SET_DRIVE_COUNT, 1–16 drives, a divisor of the drive count)
 * and parity per storage class in MinIO's `EC:n` notation. Errors are
 * origin-less ConfigErrors; the loader names the setting.
 */
import { defaultSetDriveCount, MAX_SET_DRIVES, maxParity } from '../erasure/set-geometry.js';
import { ConfigError } from './errors.js';

/** Parity drives per storage class; absent means the default for the set size. */
export interface ParityByStorageClass {
  STANDARD?: number;
  REDUCED_REDUNDANCY?: number;
}

/** `EC:2` (any case), or a bare whole number from the config file. */
export function parseParity(value: string | number): number {
  const text = String(value).trim();
  const match = /^(?:EC:)?(\d{1,2})$/i.exec(text);
  if (!match) throw new ConfigError(`"${value}" is not a parity setting: use EC:n, like EC:2 (n parity drives per erasure set)`);
  return Number(match[1]);
}

export function checkSetDriveCount(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SET_DRIVES) {
    throw new ConfigError(`erasure set drive count ${value} must be a whole number from 1 to ${MAX_SET_DRIVES}`);
  }
  return value;
}

/**
 * Checks that the drives split into equal sets of the asked size and that
 * each parity leaves at least as many data shards as parity shards.
 */
export function checkErasureGeometry(driveCount: number, setDriveCount: number | undefined, parity: ParityByStorageClass): void {
  const setSize = setDriveCount ?? defaultSetDriveCount(driveCount);
  if (driveCount % setSize !== 0) {
    throw new ConfigError(`${driveCount} drives cannot form erasure sets of ${setSize}: the set drive count must divide the number of drives`);
  }
  for (const [storageClass, count] of Object.entries(parity) as [string, number | undefined][]) {
    if (count === undefined) continue;
    if (count > maxParity(setSize)) {
      throw new ConfigError(`${storageClass} parity EC:${count} is more than half of the erasure set size ${setSize} (at most EC:${maxParity(setSize)})`);
    }
  }
}
