/**
 * An erasure backend over fresh drive folders, every drive wrapped in a
 * FaultyDrive, with the few operations the fault tests repeat: put, read
 * (as an outcome, never throwing), the record a drive holds, the drives in
 * shard order, heal, and the full-redundancy check.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healBuckets } from '../../../src/backends/erasure/bucket-heal.js';
import { ErasureBackend } from '../../../src/backends/erasure/erasure-backend.js';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';
import type { HealOutcome } from '../../../src/backends/erasure/set-api.js';
import { isS3Error } from '../../../src/s3/errors.js';
import { emptyMeta } from '../../../src/s3/types.js';
import { readAll, testBody } from '../../conformance/body.js';
import { tempEntries } from './disk-faults.js';
import { faultyDrives, type FaultyDrive } from './faulty-drive.js';

export const BUCKET = 'faults';

/** What a read came to: the bytes, or the S3 error code (or "stream: …" when the body failed midway). */
export type ReadOutcome = { bytes: Buffer } | { error: string };

export interface ClusterShape {
  drives: number;
  parity: number;
}

export class FaultCluster {
  /** Keys the read path reported degraded (queued for healing) since the last `takeDegraded`. */
  private degraded = new Set<string>();

  private constructor(
    readonly shape: ClusterShape,
    readonly dir: string,
    readonly volumes: string[],
    public backend: ErasureBackend,
    /** In set position order (one set). */
    public drives: FaultyDrive[],
  ) {
    this.watchHealQueue();
  }

  static async create(shape: ClusterShape): Promise<FaultCluster> {
    const dir = await mkdtemp(join(tmpdir(), `cairn-faults-${shape.drives}-`));
    const volumes = Array.from({ length: shape.drives }, (_, i) => join(dir, `drive${i + 1}`));
    for (const volume of volumes) await mkdir(volume);
    const { backend, drives } = await FaultCluster.open(shape, volumes);
    const cluster = new FaultCluster(shape, dir, volumes, backend, drives);
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    return cluster;
  }

  private static async open(shape: ClusterShape, volumes: string[]) {
    const { drives, wrap } = faultyDrives();
    const backend = await ErasureBackend.open({ volumes, setDriveCount: shape.drives, parity: { STANDARD: shape.parity }, wrapDrive: wrap });
    if (backend.sets.length !== 1) throw new Error(`expected one erasure set, got ${backend.sets.length}`);
    const byPosition = [...drives].sort((a, b) => a.position - b.position);
    return { backend, drives: byPosition };
  }

  get dataShards(): number {
    return this.shape.drives - this.shape.parity;
  }

  /** Write quorum: k, or k + 1 when k = m. */
  get writeQuorum(): number {
    return this.dataShards === this.shape.parity ? this.dataShards + 1 : this.dataShards;
  }

  /** Closes and reopens the backend over the same folders (a restart), with fresh wrappers. */
  async restart(): Promise<void> {
    await this.backend.close();
    const { backend, drives } = await FaultCluster.open(this.shape, this.volumes);
    this.backend = backend;
    this.drives = drives;
    this.watchHealQueue();
  }

  /** Puts an empty folder where a drive folder was removed: a blank replacement drive. */
  async replaceMissingDrives(): Promise<void> {
    for (const volume of this.volumes) await mkdir(volume, { recursive: true });
  }

  async close(): Promise<void> {
    await this.backend.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private watchHealQueue(): void {
    const queue = this.backend.healQueue;
    const add = queue.add.bind(queue);
    queue.add = (target) => {
      this.degraded.add(target.key);
      add(target);
    };
  }

  /** Whether the read path reported `key` degraded since the last call; forgets it. */
  takeDegraded(key: string): boolean {
    return this.degraded.delete(key);
  }

  /** Resolves once background heals queued by reads are done. */
  async settle(): Promise<void> {
    await this.backend.healQueue.idle();
  }

  put(key: string, data: Buffer): Promise<unknown> {
    return this.backend.putObject(BUCKET, key, testBody(data, { chunkSize: 256 * 1024 }), { meta: emptyMeta() });
  }

  /** The put's outcome: 'ok' or the S3 error code (anything else rethrows: a bug, not a fault outcome). */
  async tryPut(key: string, data: Buffer): Promise<string> {
    try {
      await this.put(key, data);
      return 'ok';
    } catch (err) {
      if (isS3Error(err)) return err.code;
      throw err;
    }
  }

  async read(key: string): Promise<ReadOutcome> {
    let body;
    try {
      body = (await this.backend.getObject(BUCKET, key, {})).body;
    } catch (err) {
      if (isS3Error(err)) return { error: err.code };
      return { error: `get: ${String(err)}` };
    }
    try {
      return { bytes: await readAll(body) };
    } catch (err) {
      return { error: `stream: ${String(err)}` };
    }
  }

  /** The record `drive` holds for `key` (undefined when absent or corrupt), read through the unwrapped drive. */
  recordOn(drive: FaultyDrive, key: string): ObjectRecord | undefined {
    try {
      return drive.inner.meta.getObject(BUCKET, key);
    } catch {
      return undefined;
    }
  }

  /** The set's drives ordered by the shard index they hold for `key`: data shards first. */
  drivesByShard(key: string): FaultyDrive[] {
    const record = this.drives.map((d) => this.recordOn(d, key)).find((r) => r !== undefined);
    if (!record) throw new Error(`no drive holds a record of ${key}`);
    const byShard: FaultyDrive[] = [];
    record.layout.distribution.forEach((shard, position) => (byShard[shard] = this.drives[position]));
    return byShard;
  }

  heal(key: string): Promise<HealOutcome> {
    return this.backend.sets[0].heal(BUCKET, key);
  }

  /** Copies bucket records onto drives that lack them (a blank replacement), as a heal pass does first. */
  async healBuckets(): Promise<void> {
    await healBuckets(this.drives, { graceCutoffMs: Date.now() - 60 * 60_000 });
  }

  /**
   * Full redundancy: with P drives other than `keep` offline, `key` still
   * reads byte-exact. Faults are cleared afterwards.
   */
  async readsWithoutOthers(key: string, keep: FaultyDrive[]): Promise<ReadOutcome> {
    const others = this.drives.filter((d) => !keep.includes(d)).slice(0, this.shape.parity);
    for (const d of others) d.fault = 'offline';
    try {
      return await this.read(key);
    } finally {
      for (const d of others) d.reset();
    }
  }

  clearFaults(): void {
    for (const d of this.drives) d.reset();
  }

  tempEntries(volumes = this.volumes): Promise<string[]> {
    return tempEntries(volumes);
  }

  /** Data directories (one per stored object with shard files) on `volumes` (default all). */
  async dataDirCount(volumes = this.volumes): Promise<number> {
    let count = 0;
    for (const volume of volumes) count += (await readdir(join(volume, 'data', BUCKET)).catch(() => [])).length;
    return count;
  }
}

/** Short, readable description of an outcome for assertion messages. */
export function describeOutcome(outcome: ReadOutcome, expected: Buffer): string {
  if ('error' in outcome) return `error ${outcome.error}`;
  return outcome.bytes.equals(expected) ? 'exact bytes' : `WRONG BYTES (${outcome.bytes.length} bytes, expected ${expected.length})`;
}
