/**
 * ListObjects over the erasure sets of a bucket.
 *
 * - Per drive, a pager over the drive's metadata index (meta.listObjects),
 *   in binary UTF-8 key order.
 * - Per set, a k-way merge of its drives' pagers: all records of one key are
 *   gathered and counted by dataId; an entry is listed when its dataId is
 *   held by at least entry.dataShards drives (its read quorum), the newest
 *   such version when several qualify. A drive that throws lists nothing.
 * - Across sets, a merge of the sets' ordered streams (a key lives in one set).
 * - Delimiter grouping jumps every pager past a whole common prefix with the
 *   index's `from` bound (the prefix's successor), so a delimiter listing of a
 *   small prefix reads about as many index rows in a bucket of 10k keys as in
 *   one of 1M.
 *
 * The page logic (pageOf) runs over any ordered source of listed entries: the
 * drives' quorum merge here, or the node's listing index (listing-index.ts),
 * so both paths give the same answers by construction.
 */
import type { ObjectSummary } from '../../s3/types.js';
import type { ListObjectsOptions, ListObjectsResult } from '../backend.js';
import type { Drive, ListRecordsOptions } from './drive.js';
import { compareKeys, prefixSuccessor } from './key-order.js';
import { insufficientReadQuorum } from './quorum.js';
import type { ObjectListingEntry } from './records.js';

const MAX_KEYS = 1000;
/** Delimiter listings start with small pages: rows under a common prefix are skipped, not used. */
const FIRST_DELIMITER_PAGE = 32;

export interface Bounds {
  prefix: string;
  after?: string;
}

/** What a listed entry needs to carry (the drives' entries carry more, for the quorum vote). */
export type ListedEntry = Pick<ObjectListingEntry, 'key' | 'size' | 'etag' | 'lastModifiedMs' | 'storageClass'>;

/** An ordered source of entries, one range query at a time; throws when it cannot answer. */
export type EntrySource<E extends ListedEntry> = (options: ListRecordsOptions) => E[];

/** An ordered stream of listed entries that can jump forward. */
export interface EntryStream {
  next(): ListedEntry | undefined;
  /** Skips every entry before `from`. */
  seek(from: string): void;
}

/** One source's entries in key order, fetched a page at a time (page sizes double up to maxPageSize). */
export class SourcePager<E extends ListedEntry> {
  private buffer: E[] = [];
  private index = 0;
  private lastKey: string | undefined;
  private pendingFrom: string | undefined;
  private ended = false;
  failed = false;

  constructor(
    private readonly source: EntrySource<E>,
    private readonly bounds: Bounds,
    private pageSize: number,
    private readonly maxPageSize: number,
  ) {
    this.lastKey = bounds.after;
  }

  peek(): E | undefined {
    if (this.index < this.buffer.length) return this.buffer[this.index];
    if (this.ended) return undefined;
    this.fetch();
    return this.buffer[this.index];
  }

  advance(): void {
    this.index++;
  }

  /** Skips every entry before `from`; the next fetch starts there. */
  seek(from: string): void {
    while (this.index < this.buffer.length && compareKeys(this.buffer[this.index].key, from) < 0) this.index++;
    if (this.index === this.buffer.length) this.pendingFrom = from;
  }

  private fetch(): void {
    const options = { prefix: this.bounds.prefix, limit: this.pageSize, after: this.lastKey, from: this.pendingFrom };
    let page: E[];
    try {
      page = this.source(options);
    } catch {
      this.failed = true;
      page = [];
    }
    this.buffer = page;
    this.index = 0;
    this.pendingFrom = undefined;
    if (page.length < this.pageSize) this.ended = true;
    if (page.length > 0) this.lastKey = page[page.length - 1].key;
    this.pageSize = Math.min(this.maxPageSize, this.pageSize * 2);
  }
}

/** One set's entries that exist by quorum, in key order. */
class SetStream {
  private head: ObjectListingEntry | undefined;
  private headLoaded = false;

  constructor(private readonly pagers: SourcePager<ObjectListingEntry>[], private readonly minReadQuorum: number) {}

  peek(): ObjectListingEntry | undefined {
    if (!this.headLoaded) {
      this.head = this.nextQuorumEntry();
      this.headLoaded = true;
    }
    return this.head;
  }

  advance(): void {
    this.headLoaded = false;
  }

  seek(from: string): void {
    if (this.headLoaded && this.head && compareKeys(this.head.key, from) < 0) this.headLoaded = false;
    for (const pager of this.pagers) pager.seek(from);
  }

  private nextQuorumEntry(): ObjectListingEntry | undefined {
    const pagers = this.pagers;
    const heads: (ObjectListingEntry | undefined)[] = new Array(pagers.length);
    for (;;) {
      let key: string | undefined;
      let answering = 0;
      for (let i = 0; i < pagers.length; i++) {
        const entry = pagers[i].peek();
        heads[i] = entry;
        if (!pagers[i].failed) answering++;
        if (entry && (key === undefined || compareKeys(entry.key, key) < 0)) key = entry.key;
      }
      if (answering < this.minReadQuorum) throw insufficientReadQuorum();
      if (key === undefined) return undefined;
      // Votes by dataId among the drives whose next entry is this key (a handful of drives: no map needed).
      let chosen: ObjectListingEntry | undefined;
      for (let i = 0; i < pagers.length; i++) {
        const entry = heads[i];
        if (!entry || entry.key !== key) continue;
        pagers[i].advance();
        let votes = 0;
        for (let j = 0; j < pagers.length; j++) if (heads[j]?.key === key && heads[j]!.dataId === entry.dataId) votes++;
        if (votes >= entry.dataShards && (!chosen || entry.lastModifiedMs > chosen.lastModifiedMs)) chosen = entry;
      }
      if (chosen) return chosen;
    }
  }
}

/** The sets' streams merged into one ordered stream. */
class BucketStream implements EntryStream {
  constructor(private readonly sets: SetStream[]) {}

  next(): ObjectListingEntry | undefined {
    let best: SetStream | undefined;
    for (const set of this.sets) {
      const entry = set.peek();
      if (entry && (!best || compareKeys(entry.key, best.peek()!.key) < 0)) best = set;
    }
    const entry = best?.peek();
    best?.advance();
    return entry;
  }

  seek(from: string): void {
    for (const set of this.sets) set.seek(from);
  }
}

export interface ListingSet {
  drives: readonly Drive[];
  /** The smallest read quorum (k) any object of this set can have: fewer answering drives decide nothing. */
  minReadQuorum: number;
}

/** One ListObjects page merged from the drives by quorum (see the header comment). */
export function listObjectsPage(bucket: string, sets: readonly ListingSet[], options: ListObjectsOptions): ListObjectsResult {
  return pageOf(options, (bounds, firstPage, maxPage) =>
    new BucketStream(
      sets.map(
        (set) =>
          new SetStream(
            set.drives.map((drive) => new SourcePager((o) => drive.meta.listObjects(bucket, o), bounds, firstPage, maxPage)),
            set.minReadQuorum,
          ),
      ),
    ),
  );
}

/** A single ordered source as a stream (its failure is the listing's: nothing votes for it). */
export function singleSourceStream<E extends ListedEntry>(source: EntrySource<E>, bounds: Bounds, firstPage: number, maxPage: number): EntryStream {
  const pager = new SourcePager(source, bounds, firstPage, maxPage);
  return {
    next() {
      const entry = pager.peek();
      if (pager.failed) throw new Error('the listing source failed');
      pager.advance();
      return entry;
    },
    seek: (from) => pager.seek(from),
  };
}

/**
 * One ListObjects page over an ordered stream: prefix, delimiter roll-up,
 * `after` and max-keys. `open` builds the stream for the bounds and the page
 * sizes to fetch with.
 */
export function pageOf(options: ListObjectsOptions, open: (bounds: Bounds, firstPage: number, maxPage: number) => EntryStream): ListObjectsResult {
  const maxKeys = Math.max(0, Math.min(MAX_KEYS, Math.floor(options.maxKeys)));
  if (maxKeys === 0) return { objects: [], commonPrefixes: [], isTruncated: false };
  const { prefix, delimiter, after } = options;
  const rollUp = (key: string): string | undefined => {
    if (!delimiter || !key.startsWith(prefix)) return undefined;
    const at = key.indexOf(delimiter, prefix.length);
    return at < 0 ? undefined : key.slice(0, at + delimiter.length);
  };

  const firstPage = delimiter ? Math.min(FIRST_DELIMITER_PAGE, maxKeys + 1) : maxKeys + 1;
  const stream = open({ prefix, after }, firstPage, maxKeys + 1);

  // A common prefix sorts at its own text; `after` equal to (or inside) one skips that whole group.
  let skipPrefix = after === undefined ? undefined : rollUp(after);
  const jumpPast = (commonPrefix: string): void => {
    skipPrefix = commonPrefix;
    const from = prefixSuccessor(commonPrefix);
    if (from !== undefined) stream.seek(from);
  };
  if (skipPrefix !== undefined) jumpPast(skipPrefix);

  const objects: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  let rows = 0;
  let nextAfter: string | undefined;
  let isTruncated = false;
  for (;;) {
    const entry = stream.next();
    if (!entry) break;
    if (skipPrefix !== undefined && entry.key.startsWith(skipPrefix)) continue;
    if (rows === maxKeys) {
      isTruncated = true;
      break;
    }
    rows++;
    const commonPrefix = delimiter === undefined ? undefined : rollUp(entry.key);
    if (commonPrefix !== undefined) {
      commonPrefixes.push(commonPrefix);
      nextAfter = commonPrefix;
      jumpPast(commonPrefix);
    } else {
      objects.push(summaryOf(entry));
      nextAfter = entry.key;
    }
  }
  const result: ListObjectsResult = { objects, commonPrefixes, isTruncated };
  if (nextAfter !== undefined) result.nextAfter = nextAfter;
  return result;
}

function summaryOf(entry: ListedEntry): ObjectSummary {
  return { key: entry.key, size: entry.size, etag: entry.etag, lastModified: new Date(entry.lastModifiedMs), storageClass: entry.storageClass };
}
