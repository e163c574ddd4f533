import { describe, expect, it } from 'vitest';
import { contentRangeHeader, parseRange, resolveRange, type RangeSpec } from '../../../src/s3/range.js';
import { isS3Error, type S3Error } from '../../../src/s3/errors.js';

function rangeError(spec: RangeSpec, size: number): S3Error {
  try {
    resolveRange(spec, size);
  } catch (err) {
    if (isS3Error(err)) return err;
    throw err;
  }
  throw new Error(`resolveRange(${JSON.stringify(spec)}, ${size}) did not throw`);
}

/** Parse then resolve, as GetObject does. */
const resolve = (header: string, size: number) => resolveRange(parseRange(header)!, size);

describe('parseRange', () => {
  it('parses a bounded range', () => {
    expect(parseRange('bytes=0-499')).toEqual({ kind: 'bounded', start: 0, end: 499 });
    expect(parseRange('bytes=500-999')).toEqual({ kind: 'bounded', start: 500, end: 999 });
  });

  it('parses bytes=0-0 (the first byte)', () => {
    expect(parseRange('bytes=0-0')).toEqual({ kind: 'bounded', start: 0, end: 0 });
  });

  it('parses an open-ended range', () => {
    expect(parseRange('bytes=9500-')).toEqual({ kind: 'open', start: 9500 });
    expect(parseRange('bytes=0-')).toEqual({ kind: 'open', start: 0 });
  });

  it('parses a suffix range, including -0', () => {
    expect(parseRange('bytes=-500')).toEqual({ kind: 'suffix', length: 500 });
    expect(parseRange('bytes=-0')).toEqual({ kind: 'suffix', length: 0 });
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseRange('  bytes=1-2 ')).toEqual({ kind: 'bounded', start: 1, end: 2 });
  });

  it('parses large offsets beyond 32 bits', () => {
    expect(parseRange('bytes=5368709120-5368709121')).toEqual({ kind: 'bounded', start: 5368709120, end: 5368709121 });
  });

  it('leading zeros are decimal, not octal', () => {
    expect(parseRange('bytes=010-011')).toEqual({ kind: 'bounded', start: 10, end: 11 });
  });

  it('a missing or empty header is no range', () => {
    expect(parseRange(undefined)).toBeUndefined();
    expect(parseRange('')).toBeUndefined();
  });

  it('multiple ranges are ignored (S3 serves the whole object)', () => {
    expect(parseRange('bytes=0-1,3-4')).toBeUndefined();
    expect(parseRange('bytes=0-1, 3-4')).toBeUndefined();
    expect(parseRange('bytes=-1,0-')).toBeUndefined();
  });

  it('garbage and other units are ignored', () => {
    for (const header of [
      'bytes',
      'bytes=',
      'bytes=-',
      'bytes=a-b',
      'bytes=1-a',
      'bytes=-x',
      'bytes=1.5-2',
      'bytes=+1-2',
      'bytes=--1',
      'bytes=1--2',
      'bytes = 0-1',
      'bytes:0-1',
      '0-1',
      'items=0-1',
      'bits=0-1',
      'bytes=0x10-0x20',
      'bytes=1-2-3',
    ]) {
      expect(parseRange(header), header).toBeUndefined();
    }
  });

  it('a range whose end precedes its start is ignored (invalid byte-range-spec)', () => {
    expect(parseRange('bytes=5-2')).toBeUndefined();
    expect(parseRange('bytes=1-0')).toBeUndefined();
  });
});

describe('resolveRange', () => {
  it('resolves a bounded range inside the object unchanged', () => {
    expect(resolve('bytes=0-499', 10000)).toEqual({ start: 0, end: 499 });
    expect(resolve('bytes=0-0', 10000)).toEqual({ start: 0, end: 0 });
    expect(resolve('bytes=9999-9999', 10000)).toEqual({ start: 9999, end: 9999 });
  });

  it('clamps a bounded range that runs past the end', () => {
    expect(resolve('bytes=9500-20000', 10000)).toEqual({ start: 9500, end: 9999 });
    expect(resolve('bytes=0-99999999', 1)).toEqual({ start: 0, end: 0 });
  });

  it('resolves an open range to the last byte', () => {
    expect(resolve('bytes=9500-', 10000)).toEqual({ start: 9500, end: 9999 });
    expect(resolve('bytes=0-', 1)).toEqual({ start: 0, end: 0 });
  });

  it('resolves a suffix range to the last N bytes', () => {
    expect(resolve('bytes=-500', 10000)).toEqual({ start: 9500, end: 9999 });
    expect(resolve('bytes=-1', 10000)).toEqual({ start: 9999, end: 9999 });
  });

  it('a suffix longer than the object is the whole object', () => {
    expect(resolve('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(resolve('bytes=-100', 100)).toEqual({ start: 0, end: 99 });
  });

  it('bytes=-0 is unsatisfiable', () => {
    const err = rangeError({ kind: 'suffix', length: 0 }, 100);
    expect(err.code).toBe('InvalidRange');
    expect(err.status).toBe(416);
    expect(err.headers['content-range']).toBe('bytes */100');
  });

  it('a start at or beyond the size is InvalidRange with content-range bytes */size', () => {
    for (const spec of [
      { kind: 'bounded', start: 100, end: 200 },
      { kind: 'bounded', start: 1000, end: 1000 },
      { kind: 'open', start: 100 },
      { kind: 'open', start: 101 },
    ] as RangeSpec[]) {
      const err = rangeError(spec, 100);
      expect(err.code, JSON.stringify(spec)).toBe('InvalidRange');
      expect(err.status).toBe(416);
      expect(err.headers).toEqual({ 'content-range': 'bytes */100' });
    }
  });

  it('names the requested range and the actual size in the error body', () => {
    expect(rangeError({ kind: 'bounded', start: 100, end: 200 }, 100).extra).toEqual({
      RangeRequested: 'bytes=100-200',
      ActualObjectSize: '100',
    });
    expect(rangeError({ kind: 'open', start: 7 }, 5).extra).toEqual({ RangeRequested: 'bytes=7-', ActualObjectSize: '5' });
    expect(rangeError({ kind: 'suffix', length: 0 }, 5).extra).toEqual({ RangeRequested: 'bytes=-0', ActualObjectSize: '5' });
  });

  it('any range on a zero-length object is InvalidRange', () => {
    for (const header of ['bytes=0-0', 'bytes=0-', 'bytes=0-10', 'bytes=-1', 'bytes=-10', 'bytes=-0', 'bytes=5-']) {
      const err = rangeError(parseRange(header)!, 0);
      expect(err.code, header).toBe('InvalidRange');
      expect(err.headers['content-range']).toBe('bytes */0');
    }
  });

  it('the resolved range is always inside the object', () => {
    const sizes = [1, 2, 7, 100, 4096];
    const specs: RangeSpec[] = [];
    for (let a = 0; a < 10; a++) {
      specs.push({ kind: 'open', start: a * 13 }, { kind: 'suffix', length: a * 17 + 1 });
      for (let b = a; b < 10; b++) specs.push({ kind: 'bounded', start: a * 11, end: b * 500 });
    }
    for (const size of sizes) {
      for (const spec of specs) {
        let range;
        try {
          range = resolveRange(spec, size);
        } catch (err) {
          expect(isS3Error(err) && err.code).toBe('InvalidRange');
          continue;
        }
        expect(range.start).toBeGreaterThanOrEqual(0);
        expect(range.end).toBeLessThan(size);
        expect(range.start).toBeLessThanOrEqual(range.end);
      }
    }
  });
});

describe('contentRangeHeader', () => {
  it('formats bytes start-end/size', () => {
    expect(contentRangeHeader({ start: 0, end: 499 }, 1234)).toBe('bytes 0-499/1234');
    expect(contentRangeHeader({ start: 0, end: 0 }, 1)).toBe('bytes 0-0/1');
    expect(contentRangeHeader(resolve('bytes=-500', 10000), 10000)).toBe('bytes 9500-9999/10000');
  });
});
