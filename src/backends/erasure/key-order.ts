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
