/**
 * Removes data directories (data/<bucket>/<dataId>/) that no record or
 * upload references: what a crash between the shard rename and the record
 * commit, or a delete a drive missed, leaves behind. Only directories older
 * than the grace period are candidates, so a write in progress (shards
 * committed, records not yet) is never touched. The caller walks every key
 * of the bucket in the set and reports the dataIds it saw on any drive;
 * whatever candidate no drive of the set references is then removed.
 * Removing data is never worth a guess: when any drive of the set failed to
 * answer (listing keys, data or uploads), the sweep removes nothing.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Drive } from './drive.js';
import { DATA_DIR } from './drive-files.js';
import type { ObjectListingEntry } from './records.js';

export class OrphanSweep {
  private constructor(
    private readonly drives: readonly Drive[],
    private readonly bucket: string,
    /** By drive position: old enough unreferenced-so-far dataIds. */
    private readonly candidates: Set<string>[],
    private incomplete: boolean,
  ) {}

  /** Lists each drive's old data directories of the bucket (a drive that fails is skipped). */
  static async prepare(drives: readonly Drive[], bucket: string, cutoffMs: number): Promise<OrphanSweep> {
    let incomplete = false;
    const candidates = await Promise.all(
      drives.map(async (drive) => {
        const old = new Set<string>();
        let dataIds: string[];
        try {
          dataIds = await drive.files.listData(bucket);
        } catch {
          incomplete = true;
          return old;
        }
        for (const dataId of dataIds) {
          const modifiedMs = await stat(join(drive.root, DATA_DIR, bucket, dataId)).then((s) => s.mtimeMs, () => undefined);
          if (modifiedMs !== undefined && modifiedMs < cutoffMs) old.add(dataId);
        }
        return old;
      }),
    );
    return new OrphanSweep(drives, bucket, candidates, incomplete);
  }

  /** One key's entries on the set's drives: their dataIds are kept on every drive. */
  referenced(entries: readonly (ObjectListingEntry | undefined)[]): void {
    for (const entry of entries) if (entry) this.keep(entry.dataId);
  }

  /** A drive failed while its keys were walked: its records are not all known, so nothing may go. */
  driveFailed(): void {
    this.incomplete = true;
  }

  private keep(dataId: string): void {
    for (const candidates of this.candidates) candidates.delete(dataId);
  }

  private get pending(): number {
    return this.candidates.reduce((n, c) => n + c.size, 0);
  }

  /** After the walk of every key: keeps the data of uploads in progress, removes what is left. Returns how many directories went. */
  async removeUnreferenced(): Promise<number> {
    if (this.incomplete || this.pending === 0) return 0;
    for (const drive of this.drives) {
      try {
        for (const upload of drive.meta.listUploads(this.bucket)) this.keep(upload.dataId);
      } catch {
        return 0;
      }
    }
    let removed = 0;
    for (const [position, candidates] of this.candidates.entries()) {
      for (const dataId of candidates) {
        try {
          await this.drives[position].files.removeData(this.bucket, dataId);
          removed++;
        } catch {
          // Tried again next cycle.
        }
      }
    }
    return removed;
  }
}
