/**
 * The union of a bucket's keys across the drives of one set, in key order,
 * with each drive's listing entry: per-drive index pages merged, not the
 * quorum listing, so the scanner also meets records a minority of drives
 * hold (leftovers of deleted objects) and objects a blank replacement drive
 * lacks. Memory: one page per drive.
 */
import type { Drive } from './drive.js';
import { compareKeys } from './key-order.js';
import type { ObjectListingEntry } from './records.js';

export interface KeyAcrossDrives {
  key: string;
  /** By drive position: the drive's entry for the key, undefined when it has none (or failed). */
  entries: (ObjectListingEntry | undefined)[];
  /** By drive position: the drive failed to list (offline, I/O error); its entry says nothing. */
  failed: boolean[];
}

const DEFAULT_PAGE_SIZE = 500;

class DriveCursor {
  private page: ObjectListingEntry[] = [];
  private index = 0;
  private after: string | undefined;
  private exhausted = false;
  failed = false;

  constructor(
    private readonly drive: Drive,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly pageSize: number,
    private readonly onFailure: () => void,
  ) {}

  /** The next entry without consuming it; undefined at the end. */
  head(): ObjectListingEntry | undefined {
    if (this.index < this.page.length) return this.page[this.index];
    if (this.exhausted) return undefined;
    try {
      this.page = this.drive.meta.listObjects(this.bucket, { prefix: this.prefix, after: this.after, limit: this.pageSize });
    } catch {
      this.failed = true;
      this.page = [];
      this.onFailure();
    }
    this.index = 0;
    if (this.page.length < this.pageSize) this.exhausted = true;
    if (this.page.length > 0) this.after = this.page[this.page.length - 1].key;
    return this.page[0];
  }

  next(): void {
    this.index++;
  }
}

export interface UnionKeysOptions {
  prefix?: string;
  pageSize?: number;
  /** Called when a drive fails to list (it then yields nothing more). */
  onDriveFailure?: (position: number) => void;
}

export function* unionKeys(drives: readonly Drive[], bucket: string, options: UnionKeysOptions = {}): Generator<KeyAcrossDrives> {
  const cursors = drives.map(
    (drive, position) => new DriveCursor(drive, bucket, options.prefix ?? '', options.pageSize ?? DEFAULT_PAGE_SIZE, () => options.onDriveFailure?.(position)),
  );
  for (;;) {
    let smallest: string | undefined;
    for (const cursor of cursors) {
      const key = cursor.head()?.key;
      if (key !== undefined && (smallest === undefined || compareKeys(key, smallest) < 0)) smallest = key;
    }
    if (smallest === undefined) return;
    const entries = cursors.map((cursor) => {
      const entry = cursor.head();
      if (entry?.key !== smallest) return undefined;
      cursor.next();
      return entry;
    });
    yield { key: smallest, entries, failed: cursors.map((cursor) => cursor.failed) };
  }
}
