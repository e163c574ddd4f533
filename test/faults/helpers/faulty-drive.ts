/**
 * A Drive that fails on cue (DESIGN.md style 6: fault tests wrap drives, they
 * never mock quorum). It forwards to a real drive until a test sets `fault`:
 *
 *   offline        every call throws, as for a drive that is gone
 *   read-only      every write throws EROFS; reads still work (root ignores
 *                  chmod, so this is how a read-only mount is simulated)
 *   rot-writes     bytes are damaged on their way to the drive (a byte of the
 *                  first chunk of each shard, a byte of each inline shard) and
 *                  the writer is not told: bitrot in transit
 *   truncate-writes only the first half of each shard's first chunk reaches
 *                  the file, and inline shards lose their second half: a
 *                  lying disk
 *   lose-records   record writes report success without writing anything
 *
 * `beforeWrite` runs before every write reaches the drive (and before the
 * fault is applied to it), with the method's name or "shard-chunk": a test
 * uses it to strike in the middle of a write (remove the folder, turn the
 * drive read-only). `afterRecordWrite` runs after each successful object
 * record write (e.g. to corrupt the stored row through a second SQLite
 * connection).
 */
import { CorruptRecordError, type Drive, type DriveFiles, type DriveMetaStore, type ReplacedObject, type TempShard } from '../../../src/backends/erasure/drive.js';
import type { ObjectRecord, PartRecord, StoredPart } from '../../../src/backends/erasure/records.js';

export type DriveFault = 'none' | 'offline' | 'read-only' | 'rot-writes' | 'truncate-writes' | 'lose-records';

/** Metadata store methods that only read; every other method is treated as a write. */
const META_READS = new Set(['listBuckets', 'getBucket', 'getBucketConfig', 'getObject', 'listObjects', 'hasObjects', 'getUpload', 'listUploads', 'listParts']);
/** Shard file methods that only read. */
const FILE_READS = new Set(['read', 'size', 'listData']);
/** Methods every fault lets through (closing a drive must always work). */
const ALWAYS = new Set(['close', 'constructor']);

export class InjectedFault extends Error {
  constructor(readonly code: string, what: string, drive: string) {
    super(`${code}: injected fault on ${what} (${drive})`);
    this.name = 'InjectedFault';
  }
}

export class FaultyDrive implements Drive {
  fault: DriveFault = 'none';
  beforeWrite?: (what: string) => void | Promise<void>;
  afterRecordWrite?: (record: ObjectRecord) => void | Promise<void>;
  readonly meta: DriveMetaStore;
  readonly files: DriveFiles;

  constructor(readonly inner: Drive) {
    this.meta = this.wrapMeta(inner.meta);
    this.files = this.wrapFiles(inner.files);
  }

  get root(): string {
    return this.inner.root;
  }
  get id(): string {
    return this.inner.id;
  }
  get setIndex(): number {
    return this.inner.setIndex;
  }
  get position(): number {
    return this.inner.position;
  }

  /** Clears the fault and the hooks. */
  reset(): void {
    this.fault = 'none';
    this.beforeWrite = undefined;
    this.afterRecordWrite = undefined;
  }

  private fail(code: string, what: string): never {
    throw new InjectedFault(code, what, this.inner.root);
  }

  /** Throws when the current fault refuses this call; `write` tells reads from writes. */
  private gate(name: string, write: boolean): void {
    if (ALWAYS.has(name)) return;
    if (this.fault === 'offline') this.fail('EIO', name);
    if (write && this.fault === 'read-only') this.fail('EROFS', name);
  }

  private wrapMeta(inner: DriveMetaStore): DriveMetaStore {
    const record = async (write: () => Promise<void>, stored?: ObjectRecord) => {
      if (this.fault === 'lose-records') return;
      await write();
      if (stored && this.afterRecordWrite) await this.afterRecordWrite(stored);
    };
    const overrides: Partial<DriveMetaStore> = {
      putObject: (r) => record(() => inner.putObject(this.damageRecord(r)), r),
      putObjectReplacing: async (r) => {
        // A lying drive answers what it holds as if it had replaced it.
        if (this.fault === 'lose-records') return heldRecord(inner, r.bucket, r.key);
        const replaced = await inner.putObjectReplacing!(this.damageRecord(r));
        if (this.afterRecordWrite) await this.afterRecordWrite(r);
        return replaced;
      },
      completeUpload: (r, uploadId) => record(() => inner.completeUpload(this.damageRecord(r), uploadId), r),
      putPart: (p: PartRecord) => record(() => inner.putPart({ ...p, part: this.damagePart(p.part) })),
    };
    return this.proxy(inner, META_READS, true, overrides);
  }

  private wrapFiles(inner: DriveFiles): DriveFiles {
    const overrides: Partial<DriveFiles> = {
      createTemp: async () => this.wrapTemp(await inner.createTemp()),
    };
    return this.proxy(inner, FILE_READS, false, overrides);
  }

  /**
   * Forwards every method of `target`, gated by the fault; `overrides` run
   * (after the gate) instead of the plain forward. Unknown methods are gated
   * as writes, so a method added to the contract later is faulted too. Reads
   * of the metadata store are synchronous and throw; everything else returns
   * a promise and rejects.
   */
  private proxy<T extends object>(target: T, reads: ReadonlySet<string>, readsAreSync: boolean, overrides: Partial<T>): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof prop !== 'string' || typeof value !== 'function') return value;
        const write = !reads.has(prop);
        const override = (overrides as Record<string, unknown>)[prop] as ((...args: unknown[]) => unknown) | undefined;
        const call = override ?? ((...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args));
        if (readsAreSync && !write) {
          return (...args: unknown[]) => {
            this.gate(prop, false);
            return call(...args);
          };
        }
        return async (...args: unknown[]) => {
          if (write && !ALWAYS.has(prop)) await this.beforeWrite?.(prop);
          this.gate(prop, write);
          return call(...args);
        };
      },
    });
  }

  private wrapTemp(temp: TempShard): TempShard {
    let chunks = 0;
    return {
      write: async (chunk) => {
        await this.beforeWrite?.('shard-chunk');
        chunks++;
        this.gate('shard-chunk', true);
        if (this.fault === 'truncate-writes') {
          if (chunks === 1) await temp.write(chunk.subarray(0, chunk.length >> 1));
          return;
        }
        await temp.write(this.fault === 'rot-writes' && chunks === 1 ? flipped(chunk) : chunk);
      },
      commit: async (bucket, dataId, file) => {
        await this.beforeWrite?.('commit');
        this.gate('commit', true);
        await temp.commit(bucket, dataId, file);
      },
      // Discarding must work whatever the fault, or tests would leak temp files they then look for.
      discard: () => temp.discard(),
    };
  }

  private damageRecord(record: ObjectRecord): ObjectRecord {
    if (this.fault !== 'rot-writes' && this.fault !== 'truncate-writes') return record;
    return { ...record, parts: record.parts.map((p) => this.damagePart(p)) };
  }

  private damagePart(part: StoredPart): StoredPart {
    if (!part.inline) return part;
    if (this.fault === 'rot-writes') return { ...part, inline: flipped(part.inline) };
    if (this.fault === 'truncate-writes') return { ...part, inline: part.inline.subarray(0, part.inline.length >> 1) };
    return part;
  }
}

function heldRecord(meta: DriveMetaStore, bucket: string, key: string): ReplacedObject {
  try {
    const value = meta.getObject(bucket, key);
    return value ? { state: 'found', value } : { state: 'absent' };
  } catch (err) {
    if (err instanceof CorruptRecordError) return { state: 'corrupt' };
    throw err;
  }
}

/** A copy of `data` with one byte inverted past the 4-byte frame checksum (the data the checksum covers). */
export function flipped(data: Buffer): Buffer {
  const copy = Buffer.from(data);
  const at = Math.min(copy.length - 1, 4 + ((copy.length - 4) >> 1));
  copy[at] ^= 0xff;
  return copy;
}

/** Wraps every drive; hand `wrap` to ErasureBackend.open's `wrapDrive` and keep the array. */
export function faultyDrives(): { drives: FaultyDrive[]; wrap: (drive: Drive) => Drive } {
  const drives: FaultyDrive[] = [];
  return {
    drives,
    wrap: (drive) => {
      const faulty = new FaultyDrive(drive);
      drives.push(faulty);
      return faulty;
    },
  };
}
