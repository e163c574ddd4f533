/**
 * S3 key order is binary UTF-8 order, which is Unicode code point order.
 * JavaScript compares UTF-16 code units, which disagrees only where a
 * surrogate pair (a code point above U+FFFF) meets U+E000–U+FFFF: handled
 * here without encoding either string.
 */

export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `prefix`:
 * the prefix with its last code point incremented (dropping trailing
 * U+10FFFF). Undefined when no such string exists.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  for (let i = codePoints.length - 1; i >= 0; i--) {
    let next = codePoints[i].codePointAt(0)! + 1;
    if (next === 0xd800) next = 0xe000; // surrogates are not code points of their own
    if (next <= 0x10ffff) return codePoints.slice(0, i).join('') + String.fromCodePoint(next);
  }
  return undefined;
}

export interface KeyRange {
  start: string;
  /** Whether `start` itself is in the range. */
  inclusive: boolean;
  /** Exclusive upper bound; undefined: none. */
  end: string | undefined;
}

/**
 * The keys a listing query reads: those with `prefix`, at or past `from`,
 * after `after`. Undefined when no key can be in it.
 */
export function keyRange(options: { prefix: string; after?: string | undefined; from?: string | undefined }): KeyRange | undefined {
  const { prefix, after, from } = options;
  let start = prefix;
  let inclusive = true;
  if (from !== undefined && compareKeys(from, start) > 0) start = from;
  if (after !== undefined && compareKeys(after, start) >= 0) {
    start = after;
    inclusive = false;
  }
  const end = prefixSuccessor(prefix);
  if (end !== undefined && compareKeys(start, end) >= 0) return undefined;
  return { start, inclusive, end };
}

/** The four prepared queries over a key range: from/after `start`, with or without an exclusive `end`. */
export interface KeyRangeQueries {
  listFrom: RangeQuery;
  listAfter: RangeQuery;
  listFromBounded: RangeQuery;
  listAfterBounded: RangeQuery;
}

interface RangeQuery {
  all(...params: unknown[]): unknown[];
}

/** Up to `limit` rows of `bucket` in the listing range of `options` (keyRange), by the query that fits it. */
export function rowsInKeyRange(
  queries: KeyRangeQueries,
  bucket: string,
  options: { prefix: string; after?: string | undefined; from?: string | undefined; limit: number },
): unknown[] {
  if (options.limit <= 0) return [];
  const range = keyRange(options);
  if (!range) return [];
  const { start, inclusive, end } = range;
  return end === undefined
    ? (inclusive ? queries.listFrom : queries.listAfter).all(bucket, start, options.limit)
    : (inclusive ? queries.listFromBounded : queries.listAfterBounded).all(bucket, start, end, options.limit);
}
