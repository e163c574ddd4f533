import type { ListObjectsOptions, ListObjectsResult } from '../backend.js';
import type { ObjectSummary } from '../../s3/types.js';
import { startsWith, type OrderedWalk, type WalkEntry } from './ordered-walk.js';

/** Summaries are fetched this many at a time (stat, sidecar row, maybe an MD5). */
const DESCRIBE_CONCURRENCY = 16;

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
