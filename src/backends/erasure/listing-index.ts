/**
 * The node's listing index: one SQLite file (listing-index-store.ts) with a
 * row per listed object, so a ListObjects page is one range scan instead of
 * a quorum merge of every drive's records. A cache of the drives, never the
 * truth; while it is not ready, listings take the drive merge (listing.ts),
 * so answers are always correct.
 *
 * - Maintained in commit order: the set engines call `committed` under the
 *   key's lock after every commit that changes what is listed (put, copy,
 *   completion, metadata rewrite, delete, heal), and the backend calls
 *   `bucketDropped`. Changes queue in memory and are written in one
 *   transaction on the next turn of the event loop, or before any listing
 *   reads the index: a listing after a 200 always sees that write.
 * - Where: <root>/.cairn.sys/listing-index.db on the first online drive that
 *   can hold it (no extra path to configure; the drives are where cairn may
 *   write). A failed index write (say that drive was pulled) makes the index
 *   unusable, never the request: listings fall back and a rebuild starts on
 *   the next drive that can hold it.
 * - Trust: the file records its deployment, a session id and whether it was
 *   closed cleanly (marked dirty while open). Every online drive carries the
 *   session id of the index in use (listing-index.session), so an index left
 *   on a drive that was offline while another one was maintained does not
 *   match and is not trusted. A missing, unreadable, dirty, foreign or
 *   mismatched index is rebuilt in the background.
 * - Rebuild: a fresh file (new session), filled bucket by bucket from the
 *   drive merge, a page per event-loop turn. Commits during it go straight
 *   into the new file (before each page is read, queued changes are written):
 *   every write reflects the drives at or after its commit, and the last
 *   write for a key is its latest state, so nothing committed is lost.
 * - Anything that writes the drives without maintaining the index (a backend
 *   opened with the index off) removes the session files first: whatever
 *   index exists is rebuilt at the next start.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ListObjectsOptions, ListObjectsResult } from '../backend.js';
import { ListingIndexStore, removeIndexFiles, type IndexChange } from './listing-index-store.js';
import { pageOf, singleSourceStream, type ListedEntry } from './listing.js';
import type { ObjectRecord } from './records.js';

const INDEX_FILE = path.join('.cairn.sys', 'listing-index.db');
const SESSION_FILE = path.join('.cairn.sys', 'listing-index.session');
/** Keys read from the drives per rebuild step (one event-loop turn). */
const REBUILD_PAGE = 1000;
/** Wait before retrying a failed rebuild (drives below quorum, no drive can hold the file). */
const RETRY_MS = 5000;

export type ListingIndexState = 'ready' | 'rebuilding' | 'unusable' | 'closed';

export interface ListingIndexStatus {
  state: ListingIndexState;
  /** The file in use. */
  file?: string;
  /** Keys written by the rebuild in progress, or in the last one. */
  rebuiltKeys?: number;
  /** How long the last finished rebuild took. */
  lastRebuildMs?: number;
}

/** A page of a bucket's listing from the drives, for the rebuild. */
export type DriveScan = (bucket: string, after: string | undefined, maxKeys: number) => ListObjectsResult;

export interface ListingIndexOptions {
  deploymentId: string;
  /** Roots of the drives online now, in the order the index prefers them. */
  onlineRoots(): string[];
  /** Every bucket (the rebuild lists each). */
  listBuckets(): string[];
  scan: DriveScan;
  /** Failures and milestones worth a log line; never thrown. */
  onEvent?(what: string, err?: unknown): void;
}

export function listedEntryOf(record: ObjectRecord): ListedEntry {
  return { key: record.key, size: record.size, etag: record.etag, lastModifiedMs: record.lastModifiedMs, storageClass: record.meta.storageClass };
}

/** Removes every drive's session file: an index left anywhere is rebuilt at the next start. */
export function invalidateListingIndex(roots: readonly string[]): void {
  for (const root of roots) fs.rmSync(path.join(root, SESSION_FILE), { force: true });
}

export class ListingIndex {
  private store: ListingIndexStore | undefined;
  private state: ListingIndexState = 'unusable';
  private pending: IndexChange[] = [];
  private flushScheduled = false;
  /** Bumped whenever the store is replaced or dropped: a rebuild of an older generation stops. */
  private generation = 0;
  private rebuilding: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private rebuiltKeys = 0;
  private lastRebuildMs: number | undefined;

  private constructor(private readonly options: ListingIndexOptions) {}

  /** Opens the index: ready at once when the file on the first online drive is trusted, else rebuilding in the background. */
  static open(options: ListingIndexOptions): ListingIndex {
    const index = new ListingIndex(options);
    if (!index.reuse()) index.startRebuild();
    return index;
  }

  status(): ListingIndexStatus {
    const status: ListingIndexStatus = { state: this.state };
    if (this.store) status.file = this.store.file;
    if (this.state === 'rebuilding' || this.lastRebuildMs !== undefined) status.rebuiltKeys = this.rebuiltKeys;
    if (this.lastRebuildMs !== undefined) status.lastRebuildMs = this.lastRebuildMs;
    return status;
  }

  /** Under the key's lock, after a commit: the key's listed state is now `record` (undefined: not listed). */
  committed(bucket: string, key: string, record: ObjectRecord | undefined): void {
    if (!this.store) return;
    this.enqueue({ bucket, key, entry: record && listedEntryOf(record) });
  }

  bucketDropped(bucket: string): void {
    if (!this.store) return;
    this.enqueue({ bucket, dropBucket: true });
  }

  /** A page from the index, or undefined when it is not ready (the caller lists from the drives). */
  list(bucket: string, options: ListObjectsOptions): ListObjectsResult | undefined {
    if (this.state !== 'ready') return undefined;
    this.flush();
    const store = this.store;
    if (this.state !== 'ready' || !store) return undefined;
    try {
      return pageOf(options, (bounds, firstPage, maxPage) => singleSourceStream((o) => store.list(bucket, o), bounds, firstPage, maxPage));
    } catch (err) {
      this.fail('listing from the index failed', err);
      return undefined;
    }
  }

  /** Writes what is queued and, when the index is complete, marks it clean. */
  async close(): Promise<void> {
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    this.generation++;
    clearTimeout(this.retryTimer);
    await this.rebuilding;
    const store = this.store;
    this.store = undefined;
    if (!store) return;
    try {
      if (this.pending.length > 0) store.apply(this.pending);
      if (wasReady) store.setClean(true);
    } catch (err) {
      this.options.onEvent?.('closing the listing index', err);
    } finally {
      this.pending = [];
      store.close();
    }
  }

  private enqueue(change: IndexChange): void {
    this.pending.push(change);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.pending.length === 0 || !this.store) return;
    const changes = this.pending;
    this.pending = [];
    try {
      this.store.apply(changes);
    } catch (err) {
      this.fail('writing the listing index failed', err);
    }
  }

  /** Trusts the existing file on the first online drive when it is clean, ours and current. */
  private reuse(): boolean {
    const roots = this.options.onlineRoots();
    if (roots.length === 0) return false;
    let store: ListingIndexStore | undefined;
    try {
      store = ListingIndexStore.openExisting(path.join(roots[0], INDEX_FILE));
      const identity = store.identity();
      const trusted =
        identity.clean && store.matches(identity, this.options.deploymentId, identity.session) && roots.every((root) => readSession(root) === identity.session);
      if (!trusted) {
        store.close();
        return false;
      }
      store.setClean(false);
    } catch {
      store?.close();
      return false;
    }
    this.store = store;
    this.state = 'ready';
    this.generation++;
    return true;
  }

  private startRebuild(): void {
    if (this.state === 'closed') return;
    const session = randomUUID();
    const roots = this.options.onlineRoots();
    let store: ListingIndexStore | undefined;
    for (const root of roots) {
      try {
        store = ListingIndexStore.create(path.join(root, INDEX_FILE), this.options.deploymentId, session);
        break;
      } catch {
        // That drive cannot hold it; the next may.
      }
    }
    if (!store) {
      this.state = 'unusable';
      this.scheduleRetry();
      return;
    }
    for (const root of roots) {
      try {
        writeSession(root, session);
        if (!store.file.startsWith(root + path.sep)) removeIndexFiles(path.join(root, INDEX_FILE));
      } catch {
        // A drive without the new session file cannot vouch for an old index: it is rebuilt, never trusted.
      }
    }
    this.store = store;
    this.state = 'rebuilding';
    this.pending = [];
    this.rebuiltKeys = 0;
    const generation = ++this.generation;
    this.rebuilding = this.rebuild(store, generation);
  }

  private async rebuild(store: ListingIndexStore, generation: number): Promise<void> {
    const began = performance.now();
    const current = () => this.generation === generation;
    try {
      for (const bucket of this.options.listBuckets()) {
        let after: string | undefined;
        for (;;) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (!current()) return;
          this.flush();
          if (!current()) return;
          const page = this.options.scan(bucket, after, REBUILD_PAGE);
          store.putEntries(bucket, page.objects.map((o) => ({ key: o.key, size: o.size, etag: o.etag, lastModifiedMs: o.lastModified.getTime(), storageClass: o.storageClass })));
          this.rebuiltKeys += page.objects.length;
          if (!page.isTruncated || page.nextAfter === undefined) break;
          after = page.nextAfter;
        }
      }
      if (!current()) return;
      this.flush();
      if (!current()) return;
      this.state = 'ready';
      this.lastRebuildMs = Math.round(performance.now() - began);
      this.options.onEvent?.(`listing index ready: ${this.rebuiltKeys} keys rebuilt in ${this.lastRebuildMs} ms at ${store.file}`);
    } catch (err) {
      if (current()) this.fail('rebuilding the listing index failed', err);
    } finally {
      if (current()) this.rebuilding = undefined;
    }
  }

  /** The index cannot be trusted any more: drop it, list from the drives, rebuild later. */
  private fail(what: string, err: unknown): void {
    if (this.state === 'closed') return;
    this.options.onEvent?.(what, err);
    this.generation++;
    this.pending = [];
    this.state = 'unusable';
    const store = this.store;
    this.store = undefined;
    try {
      store?.close();
    } catch {
      // Already broken.
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.startRebuild(), RETRY_MS);
    this.retryTimer.unref();
  }
}

function readSession(root: string): string {
  try {
    return fs.readFileSync(path.join(root, SESSION_FILE), 'utf8');
  } catch {
    return '';
  }
}

function writeSession(root: string, session: string): void {
  fs.writeFileSync(path.join(root, SESSION_FILE), session);
}
