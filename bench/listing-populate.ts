/**
 * Fills listing buckets fast: a million HTTP PUTs would take longer than the
 * measurement. One empty object is PUT through the erasure backend in this
 * process (so its records are exactly what the store writes), then a copy of
 * each drive's record is written per key straight into that drive's metadata
 * store (its group commit batches them), with a fresh dataId per key as a
 * real PUT would have. The server is started over the volumes afterwards.
 *
 * Key shape (listingKey): groups of GROUP_SIZE keys under k/<group>/, every
 * tenth one a level deeper, so a delimiter listing of one group's prefix
 * returns 90 keys and 10 common prefixes.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ErasureBackend } from '../src/backends/erasure/erasure-backend.js';
import type { ObjectRecord } from '../src/backends/erasure/records.js';
import { emptyMeta } from '../src/s3/types.js';
import { ERASURE_DRIVES, ERASURE_PARITY } from './erasure-cairn.js';

export const GROUP_SIZE = 100;
/** Keys written per round: enough for big group-commit batches, few enough to keep memory small. */
const BATCH = 5000;
const TEMPLATE_KEY = '.listing-template';
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

export function groupPrefix(group: number): string {
  return `k/${String(group).padStart(5, '0')}/`;
}

export function listingKey(i: number): string {
  const inGroup = i % GROUP_SIZE;
  const prefix = groupPrefix(Math.floor(i / GROUP_SIZE));
  return inGroup % 10 === 0 ? `${prefix}d${inGroup}/o${i}` : `${prefix}o${i}`;
}

export interface PopulateSpec {
  bucket: string;
  count: number;
}

export async function populateBuckets(volumes: string[], specs: PopulateSpec[]): Promise<void> {
  // Records written straight into the drives bypass the listing index: opened without it, the backend
  // invalidates any index, and the server rebuilds it from the drives at start.
  const backend = await ErasureBackend.open({ volumes, setDriveCount: ERASURE_DRIVES, parity: { STANDARD: ERASURE_PARITY }, listingIndex: false });
  try {
    if (backend.sets.length !== 1) throw new Error(`expected one erasure set, got ${backend.sets.length}`);
    const drives = backend.sets[0].drives;
    for (const { bucket, count } of specs) {
      await backend.createBucket(bucket, { region: 'us-east-1' });
      const body = { stream: Readable.from([]), declaredSize: 0, digests: () => ({ size: 0, md5Hex: EMPTY_MD5, checksums: {} }) };
      await backend.putObject(bucket, TEMPLATE_KEY, body, { meta: emptyMeta() });
      const templates = drives.map((drive) => drive.meta.getObject(bucket, TEMPLATE_KEY));
      if (templates.some((t) => t === undefined)) throw new Error('the template object is missing on a drive');
      for (let start = 0; start < count; start += BATCH) {
        const records: { key: string; dataId: string }[] = [];
        for (let i = start; i < Math.min(count, start + BATCH); i++) records.push({ key: listingKey(i), dataId: randomUUID() });
        const now = Date.now();
        await Promise.all(
          drives.map((drive, d) =>
            Promise.all(records.map(({ key, dataId }) => drive.meta.putObject({ ...(templates[d] as ObjectRecord), key, dataId, lastModifiedMs: now }))),
          ),
        );
      }
      await backend.deleteObject(bucket, TEMPLATE_KEY, {});
    }
  } finally {
    await backend.close();
  }
}
