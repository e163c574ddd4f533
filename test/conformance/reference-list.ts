import type { ListObjectsOptions } from '../../src/backends/backend.js';

/** S3 key order: binary comparison of the UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface ReferencePage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextAfter?: string;
}

/**
 * The listing S3 specifies, computed from the full key set: the model every
 * backend's listObjects is compared with. A common prefix sorts at its own
 * text; an `after` inside a common prefix skips that whole group.
 */
export function referenceList(allKeys: readonly string[], options: ListObjectsOptions): ReferencePage {
  const sorted = [...allKeys].sort(compareKeys);
  const rollUp = (key: string): string | undefined => {
    if (!options.delimiter || !key.startsWith(options.prefix)) return undefined;
    const at = key.indexOf(options.delimiter, options.prefix.length);
    return at < 0 ? undefined : key.slice(0, at + options.delimiter.length);
  };
  const afterGroup = options.after === undefined ? undefined : rollUp(options.after);
  const rows: { key?: string; commonPrefix?: string }[] = [];
  const seen = new Set<string>();
  for (const key of sorted) {
    if (!key.startsWith(options.prefix)) continue;
    if (options.after !== undefined && compareKeys(key, options.after) <= 0) continue;
    const commonPrefix = rollUp(key);
    if (commonPrefix !== undefined) {
      if (commonPrefix === afterGroup || seen.has(commonPrefix)) continue;
      seen.add(commonPrefix);
      rows.push({ commonPrefix });
    } else {
      rows.push({ key });
    }
  }
  if (options.maxKeys === 0) return { keys: [], commonPrefixes: [], isTruncated: false };
  const page = rows.slice(0, options.maxKeys);
  const last = page[page.length - 1];
  const result: ReferencePage = {
    keys: page.filter((r) => r.key !== undefined).map((r) => r.key!),
    commonPrefixes: page.filter((r) => r.commonPrefix !== undefined).map((r) => r.commonPrefix!),
    isTruncated: rows.length > page.length,
  };
  if (last) result.nextAfter = last.key ?? last.commonPrefix;
  return result;
}
