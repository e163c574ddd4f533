/**
 * Buckets of the erasure backend: a bucket record and its configuration
 * documents live on every drive of the deployment (not only one set), so
 * losing any parity's worth of drives loses none of them.
 *
 * Quorum over all N drives: a write (create, delete, config) succeeds when
 * floor(N/2)+1 drives took it; a read needs ceil(N/2) drives to answer, and
 * any ceil(N/2) drives overlap every successful write in at least one drive.
 * So a bucket exists when at least ceil(N/2) drives hold its record, and a
 * config's value is the newest one among the answering drives. Below either
 * quorum the answer is SlowDown (503), as for objects.
 */
import { S3Error } from '../../s3/errors.js';
import { assertValidBucketName } from '../../s3/names.js';
import type { BucketInfo } from '../../s3/types.js';
import type { BucketConfigKind } from '../backend.js';
import { KeyLocks } from '../key-locks.js';
import type { Drive } from './drive.js';
import { askDrives, chooseVersion, countTrue, insufficientReadQuorum, insufficientWriteQuorum, onEveryDrive, type DriveAnswer } from './quorum.js';
import type { BucketConfigRecord, BucketRecord } from './records.js';

export class BucketStore {
  private readonly locks = new KeyLocks();
  private lastStampMs = 0;

  constructor(private readonly drives: readonly Drive[]) {}

  get readQuorum(): number {
    return Math.ceil(this.drives.length / 2);
  }

  get writeQuorum(): number {
    return Math.floor(this.drives.length / 2) + 1;
  }

  /** Every bucket that exists by quorum, sorted by name. */
  list(): BucketInfo[] {
    const perDrive = askDrives(this.drives, (drive) => drive.meta.listBuckets());
    const answering = perDrive.filter((a) => a.state === 'found');
    if (answering.length < this.readQuorum) throw insufficientReadQuorum();
    const names = new Set<string>();
    for (const answer of answering) if (answer.state === 'found') for (const record of answer.value) names.add(record.name);
    const buckets: BucketInfo[] = [];
    for (const name of [...names].sort()) {
      const answers = perDrive.map((answer): DriveAnswer<BucketRecord> => {
        if (answer.state !== 'found') return answer;
        const record = answer.value.find((r) => r.name === name);
        return record ? { state: 'found', value: record } : { state: 'absent' };
      });
      const record = this.decide(answers);
      if (record) buckets.push(infoOf(record));
    }
    return buckets;
  }

  /** The bucket's record, or NoSuchBucket. */
  require(bucket: string): BucketRecord {
    const record = this.find(bucket);
    if (!record) throw noSuchBucket(bucket);
    return record;
  }

  head(bucket: string): BucketInfo {
    return infoOf(this.require(bucket));
  }

  async create(bucket: string, region: string): Promise<void> {
    assertValidBucketName(bucket);
    await this.locks.run(bucket, async () => {
      if (this.find(bucket)) throw new S3Error('BucketAlreadyOwnedByYou', { resource: bucket });
      const record: BucketRecord = { name: bucket, createdMs: this.stamp(), region };
      const done = await onEveryDrive(this.drives, async (drive) => drive.meta.putBucket(record));
      if (countTrue(done) < this.writeQuorum) {
        // Undo where it landed, so a later retry does not find half a bucket.
        await onEveryDrive(this.drives, async (drive, position) => (done[position] ? drive.meta.deleteBucket(bucket) : Promise.resolve()));
        throw insufficientWriteQuorum();
      }
    });
  }

  /**
   * Removes the bucket (records and configs on every drive) after
   * `assertEmpty` passed under the bucket's lock.
   */
  async delete(bucket: string, assertEmpty: () => Promise<void>): Promise<void> {
    await this.locks.run(bucket, async () => {
      this.require(bucket);
      await assertEmpty();
      const done = await onEveryDrive(this.drives, async (drive) => drive.meta.deleteBucket(bucket));
      if (countTrue(done) < this.writeQuorum) throw insufficientWriteQuorum();
    });
  }

  getConfig(bucket: string, kind: BucketConfigKind): string | undefined {
    const owner = this.require(bucket);
    const answers = askDrives(this.drives, (drive) => drive.meta.getBucketConfig(bucket, kind));
    if (answers.filter((a) => a.state === 'found' || a.state === 'absent').length < this.readQuorum) throw insufficientReadQuorum();
    let newest: BucketConfigRecord | undefined;
    for (const answer of answers) {
      if (answer.state !== 'found') continue;
      // A config older than the bucket belongs to an earlier bucket of that name (a drive that missed the delete).
      if (answer.value.modifiedMs < owner.createdMs) continue;
      if (!newest || answer.value.modifiedMs > newest.modifiedMs) newest = answer.value;
    }
    return newest?.doc;
  }

  async putConfig(bucket: string, kind: BucketConfigKind, doc: string | undefined): Promise<void> {
    this.require(bucket);
    await this.locks.run(`${bucket}\u0000${kind}`, async () => {
      const record: BucketConfigRecord = { modifiedMs: this.stamp() };
      if (doc !== undefined) record.doc = doc;
      const done = await onEveryDrive(this.drives, async (drive) => drive.meta.putBucketConfig(bucket, kind, record));
      if (countTrue(done) < this.writeQuorum) throw insufficientWriteQuorum();
    });
  }

  private find(bucket: string): BucketRecord | undefined {
    return this.decide(askDrives(this.drives, (drive) => drive.meta.getBucket(bucket)));
  }

  private decide(answers: DriveAnswer<BucketRecord>[]): BucketRecord | undefined {
    const quorum = this.readQuorum;
    return chooseVersion(answers, (record) => ({ version: `${record.createdMs}`, readQuorum: quorum, ageMs: record.createdMs }), quorum).value;
  }

  /**
   * Milliseconds that never repeat or go back in this process, so the newest
   * config write always has the largest stamp, even within one millisecond.
   */
  private stamp(): number {
    this.lastStampMs = Math.max(Date.now(), this.lastStampMs + 1);
    return this.lastStampMs;
  }
}

function infoOf(record: BucketRecord): BucketInfo {
  return { name: record.name, creationDate: new Date(record.createdMs), region: record.region };
}

export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', { resource: bucket, extra: { BucketName: bucket } });
}
