/**
 * The scanner's quick test of one object across its set: whether every
 * drive that answers holds the same record, intact, with shard files of the
 * right size. Cheap (index reads and stats, no shard bytes read); anything
 * it cannot vouch for goes to ErasureSetApi.heal, which decides by quorum.
 * Flipped bits inside a shard are only found by a deep scan (heal reads and
 * verifies every block).
 */
import { framedShardSize } from '../../erasure/stripe.js';
import type { Drive } from './drive.js';
import { geometryOf } from './layout.js';
import type { ObjectRecord } from './records.js';
import type { KeyAcrossDrives } from './scan-keys.js';

/** Why an object needs healing, or undefined when every answering drive agrees and its shards are in place. */
export async function disagreement(drives: readonly Drive[], bucket: string, item: KeyAcrossDrives): Promise<string | undefined> {
  const answering = drives.map((_, position) => position).filter((position) => !item.failed[position]);
  const dataIds = new Set(answering.map((position) => item.entries[position]?.dataId));
  if (dataIds.has(undefined)) return 'a drive lacks the record';
  if (dataIds.size > 1) return 'drives hold different versions';
  for (const position of answering) {
    const drive = drives[position];
    let record: ObjectRecord | undefined;
    try {
      record = drive.meta.getObject(bucket, item.key);
    } catch {
      return `record unreadable on ${drive.root}`;
    }
    if (!record) return 'a drive lacks the record';
    const problem = await shardProblem(drive, record);
    if (problem) return problem;
  }
  return undefined;
}

async function shardProblem(drive: Drive, record: ObjectRecord): Promise<string | undefined> {
  const geometry = geometryOf(record.layout);
  for (const part of record.parts) {
    if (part.file === undefined) continue;
    let size: number | undefined;
    try {
      size = await drive.files.size(record.bucket, record.dataId, part.file);
    } catch {
      return `shard file unreadable on ${drive.root}`;
    }
    if (size === undefined) return `shard file missing on ${drive.root}`;
    if (size !== framedShardSize(part.size, geometry)) return `shard file of the wrong size on ${drive.root}`;
  }
  return undefined;
}
