/** How many drives form one erasure set. */
import { defaultSetDriveCount, MAX_SET_DRIVES } from '../../erasure/set-geometry.js';

export { MAX_SET_DRIVES };

/**
 * `setDriveCount` when given (it must divide the drive count and be 2–16, or
 * 1 for a single drive), else the largest divisor of the drive count up to
 * 16. Throws an Error naming the problem when no valid size exists.
 */
export function chooseSetSize(driveCount: number, setDriveCount?: number): number {
  if (!Number.isInteger(driveCount) || driveCount < 1) throw new Error('the erasure backend needs at least one volume');
  if (setDriveCount !== undefined) {
    if (!Number.isInteger(setDriveCount)) throw new Error(`erasure set drive count ${setDriveCount} is not a whole number`);
    if (driveCount === 1) {
      if (setDriveCount !== 1) throw new Error(`erasure set drive count ${setDriveCount} does not fit a single volume (it must be 1)`);
      return 1;
    }
    if (setDriveCount < 2 || setDriveCount > MAX_SET_DRIVES) throw new Error(`erasure set drive count ${setDriveCount} is outside 2–${MAX_SET_DRIVES}`);
    if (driveCount % setDriveCount !== 0) throw new Error(`erasure set drive count ${setDriveCount} does not divide the ${driveCount} volumes`);
    return setDriveCount;
  }
  const size = defaultSetDriveCount(driveCount);
  if (size > 1 || driveCount === 1) return size;
  throw new Error(`${driveCount} volumes cannot form erasure sets of 2–${MAX_SET_DRIVES} drives: use a volume count with a divisor in that range`);
}
