/**
 * Recently resolved objects of one erasure set, so a GET or HEAD of a hot key
 * does not read and decode its record on every drive again: the quorum's
 * record and every drive's copy read with it (an inline object's shards), keyed
 * by the object's lock key, bounded by an estimate of the bytes held.
 *
 * Why an entry is never stale: this process is the only writer of its drives,
 * and every change to an object's records (put, multipart completion, delete,
 * tag and metadata updates, restores below quorum, heals) runs under that
 * key's lock in this set. The set's locks are wrapped (InvalidatingLocks) so
 * the entry is dropped when any such task ends, before the lock is released
 * and before the writer is answered; and an entry is only made while the key
 * is not locked, so it never holds a snapshot taken mid-commit.
 *
 * Why it is never corrupt: an entry holds records that passed their CRCs when
 * read, and an inline read still verifies every shard's block checksums at
 * each read (read-path.ts). What it cannot see is a drive's bytes rotting
 * after the entry was made: that is what the scanner verifies, and its heal,
 * taking the key's lock, drops the entry.
 */
import { KeyLocks } from '../key-locks.js';
import type { RecordCopies } from './read-path.js';
import type { ObjectRecord } from './records.js';

/** Rough heap cost of one decoded record beyond its inline bytes. */
const RECORD_OVERHEAD_BYTES = 1024;
/** Per set, by default: a few thousand small objects. */
export const DEFAULT_RECORD_CACHE_BYTES = 16 << 20;

export interface ResolvedObject {
  record: ObjectRecord;
  copies: RecordCopies;
}

interface Entry extends ResolvedObject {
  bytes: number;
}

export class ObjectRecordCache {
  /** In use order, least recent first. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number = DEFAULT_RECORD_CACHE_BYTES) {}

  get(lockKey: string): ResolvedObject | undefined {
    const entry = this.entries.get(lockKey);
    if (entry) {
      this.entries.delete(lockKey);
      this.entries.set(lockKey, entry);
    }
    return entry;
  }

  remember(lockKey: string, record: ObjectRecord, copies: RecordCopies): void {
    const bytes = copies.reduce((sum, copy) => sum + (copy ? recordBytes(copy) : 0), recordBytes(record));
    this.forget(lockKey);
    // One entry may take at most an eighth: large inline objects must not sweep out everything else.
    if (bytes > this.maxBytes / 8) return;
    this.entries.set(lockKey, { record, copies, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  forget(lockKey: string): void {
    const entry = this.entries.get(lockKey);
    if (!entry) return;
    this.entries.delete(lockKey);
    this.bytes -= entry.bytes;
  }

  /** Entries and estimated bytes held (tests, metrics). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

function recordBytes(record: ObjectRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES;
  for (const part of record.parts) bytes += part.inline?.length ?? 0;
  return bytes;
}

/**
 * The set's key locks, dropping the key's cache entry when each locked task
 * ends (whatever its outcome), while the lock is still held.
 */
export class InvalidatingLocks extends KeyLocks {
  constructor(
    private readonly inner: KeyLocks,
    private readonly cache: ObjectRecordCache,
  ) {
    super();
  }

  override run<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
    return this.inner.run(lockKey, async () => {
      try {
        return await task();
      } finally {
        this.cache.forget(lockKey);
      }
    });
  }

  override settled(lockKey: string): Promise<void> {
    return this.inner.settled(lockKey);
  }

  override isHeld(lockKey: string): boolean {
    return this.inner.isHeld(lockKey);
  }
}
