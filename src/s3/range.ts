import { S3Error } from './errors.js';
import type { ByteRange } from './types.js';

/** A parsed `Range: bytes=…` header, before the object size is known. */
export type RangeSpec =
  | { kind: 'bounded'; start: number; end: number }
  | { kind: 'open'; start: number }
  | { kind: 'suffix'; length: number };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parses a Range header. Like S3, a header that is not a single well-formed
 * byte range (multiple ranges, other units, garbage) is ignored: the whole
 * object is returned. Returns undefined in that case.
 */
export function parseRange(header: string | undefined): RangeSpec | undefined {
  if (!header) return undefined;
  const m = SINGLE_RANGE.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') return { kind: 'suffix', length: Number(b) };
  const start = Number(a);
  if (b === '') return { kind: 'open', start };
  const end = Number(b);
  if (end < start) return undefined;
  return { kind: 'bounded', start, end };
}

/**
 * Resolves a range against the object size: inclusive bounds clamped to the
 * object, or InvalidRange (416) when nothing of it lies inside the object.
 */
export function resolveRange(spec: RangeSpec, size: number): ByteRange {
  let range: ByteRange | undefined;
  switch (spec.kind) {
    case 'bounded':
      if (spec.start < size) range = { start: spec.start, end: Math.min(spec.end, size - 1) };
      break;
    case 'open':
      if (spec.start < size) range = { start: spec.start, end: size - 1 };
      break;
    case 'suffix':
      if (spec.length > 0 && size > 0) range = { start: Math.max(0, size - spec.length), end: size - 1 };
      break;
  }
  if (!range) {
    throw new S3Error('InvalidRange', {
      extra: { RangeRequested: describeRange(spec), ActualObjectSize: String(size) },
      headers: { 'content-range': `bytes */${size}` },
    });
  }
  return range;
}

function describeRange(spec: RangeSpec): string {
  switch (spec.kind) {
    case 'bounded':
      return `bytes=${spec.start}-${spec.end}`;
    case 'open':
      return `bytes=${spec.start}-`;
    case 'suffix':
      return `bytes=-${spec.length}`;
  }
}

export function contentRangeHeader(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
