import type { ListObjectsOptions, ListObjectsResult } from '../backend.js';
import type { ObjectSummary } from '../../s3/types.js';
import { OrderedWalk, startsWith, type WalkEntry } from './ordered-walk.js';
import { joinInside, prefixDirectorySegments } from './paths.js';
import { realDirectoryInBucket } from './safe-fs.js';

/** Summaries are fetched this many at a time (stat, sidecar row, maybe an MD5). */
const DESCRIBE_CONCURRENCY = 16;

export interface ListSources {
  /** Whether a folder-object row exists for a key ending in '/'. */
  isFolderObject(key: string): boolean;
  /** The listing row for a walked entry; undefined when it vanished. */
  describe(entry: WalkEntry): Promise<ObjectSummary | undefined>;
}

/**
 * One ListObjects page of a bucket folder. The walk starts at the deepest
 * directory the prefix names (`photos/2024/ja` reads only `photos/2024`).
 */
export async function listBucket(bucketDir: string, options: ListObjectsOptions, sources: ListSources): Promise<ListObjectsResult> {
  const empty: ListObjectsResult = { objects: [], commonPrefixes: [], isTruncated: false };
  const dirSegments = prefixDirectorySegments(options.prefix);
  if (!dirSegments) return empty;
  let startDir = bucketDir;
  if (dirSegments.length > 0) {
    const found = await realDirectoryInBucket(bucketDir, joinInside(bucketDir, dirSegments));
    if (found === undefined) return empty;
    startDir = found;
  }
  const walk = new OrderedWalk(
    bucketDir,
    { keyPrefix: Buffer.from(dirSegments.length > 0 ? `${dirSegments.join('/')}/` : '', 'utf8'), realDir: startDir },
    { prefix: Buffer.from(options.prefix, 'utf8'), after: options.after === undefined ? undefined : Buffer.from(options.after, 'utf8') },
    sources.isFolderObject,
  );
  return listPage(walk, options, sources.describe);
}

/**
 * Assembles one ListObjects page from an ordered walk: delimiter roll-up into
 * common prefixes, maxKeys counting keys and prefixes alike, truncation only
 * when another entry really follows.
 *
 * A common prefix sorts at its own text, and `after` equal to (or inside) a
 * common prefix skips that whole group, so a page may resume after a prefix
 * returned by the previous one.
 */
export async function listPage(
  walk: OrderedWalk,
  options: ListObjectsOptions,
  describe: (entry: WalkEntry) => Promise<ObjectSummary | undefined>,
): Promise<ListObjectsResult> {
  const maxKeys = Math.max(0, Math.min(1000, Math.floor(options.maxKeys)));
  if (maxKeys === 0) return { objects: [], commonPrefixes: [], isTruncated: false };

  const prefix = Buffer.from(options.prefix, 'utf8');
  const delimiter = options.delimiter ? Buffer.from(options.delimiter, 'utf8') : undefined;
  const rollUp = (key: Buffer): Buffer | undefined => {
    if (!delimiter || !startsWith(key, prefix)) return undefined;
    const at = key.indexOf(delimiter, prefix.length);
    return at < 0 ? undefined : key.subarray(0, at + delimiter.length);
  };
  if (options.after !== undefined) walk.skipPrefix = rollUp(Buffer.from(options.after, 'utf8'));

  type Row = { commonPrefix: Buffer } | { entry: WalkEntry };
  const rows: Row[] = [];
  let isTruncated = false;
  for (;;) {
    const entry = await walk.next();
    if (!entry) break;
    if (rows.length === maxKeys) {
      isTruncated = true;
      break;
    }
    const commonPrefix = rollUp(entry.key);
    if (commonPrefix) {
      rows.push({ commonPrefix });
      walk.skipPrefix = commonPrefix;
    } else {
      rows.push({ entry });
    }
  }

  const summaries = await mapLimited(rows, DESCRIBE_CONCURRENCY, (row) => ('entry' in row ? describe(row.entry) : Promise.resolve(undefined)));
  const objects: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  let nextAfter: string | undefined;
  rows.forEach((row, i) => {
    if ('commonPrefix' in row) {
      nextAfter = row.commonPrefix.toString('utf8');
      commonPrefixes.push(nextAfter);
    } else {
      const summary = summaries[i];
      // An entry that vanished since the walk saw it is left out; it still marks where the page ended.
      nextAfter = row.entry.key.toString('utf8');
      if (summary) objects.push(summary);
    }
  });
  const result: ListObjectsResult = { objects, commonPrefixes, isTruncated };
  if (nextAfter !== undefined) result.nextAfter = nextAfter;
  return result;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
