/**
 * One drive's bucket records held in memory (meta-store.ts says why that is
 * safe): name → the verified record, or null when the drive has none. Only
 * answers read from the database are remembered; writes forget the name.
 * Bounded: a deployment rarely has more buckets than this, and past it the
 * cache simply starts over.
 */
import type { BucketRecord } from './records.js';

const MAX_ENTRIES = 4096;

export class BucketRecordCache {
  private readonly entries = new Map<string, Readonly<BucketRecord> | null>();

  /** The remembered answer: a record, null for "no such bucket here", undefined when not known. */
  get(name: string): BucketRecord | null | undefined {
    return this.entries.get(name);
  }

  /** Remembers what the database answered and returns it. */
  remember(name: string, record: BucketRecord | undefined): BucketRecord | undefined {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // Frozen: every caller gets the same object, so none may change it for the others.
    this.entries.set(name, record ? Object.freeze(record) : null);
    return record;
  }

  forget(name: string): void {
    this.entries.delete(name);
  }

  /** Replaces everything with a full read of the table (corrupt rows are left out, so they are read again). */
  refresh(records: readonly BucketRecord[]): void {
    this.entries.clear();
    for (const record of records.slice(0, MAX_ENTRIES)) this.entries.set(record.name, Object.freeze(record));
  }
}
