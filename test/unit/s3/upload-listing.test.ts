import { describe, expect, it } from 'vitest';
import { emptyMeta, type MultipartUpload } from '../../../src/s3/types.js';
import { compareKeys, pageParts, pageUploads, type UploadPageOptions } from '../../../src/s3/upload-listing.js';

let clock = 0;
const up = (key: string, uploadId: string): MultipartUpload => ({ bucket: 'b', key, uploadId, initiated: new Date(++clock), meta: emptyMeta() });

/** Backend order: key (UTF-8 bytes), then initiation. Two uploads of "b", the later with the smaller id. */
const ALL = [up('a', 'u1'), up('b', 'u9'), up('b', 'u2'), up('c/1', 'u3'), up('c/2', 'u4'), up('d', 'u5')];

const page = (options: Partial<UploadPageOptions>) => pageUploads(ALL, { prefix: '', maxUploads: 1000, ...options });
const ids = (p: ReturnType<typeof page>) => p.uploads.map((u) => u.uploadId);

describe('pageUploads', () => {
  it('lists everything in order when nothing limits it', () => {
    const p = page({});
    expect(ids(p)).toEqual(['u1', 'u9', 'u2', 'u3', 'u4', 'u5']);
    expect(p.isTruncated).toBe(false);
  });

  it('key-marker alone starts strictly after that key (all its uploads skipped)', () => {
    expect(ids(page({ keyMarker: 'b' }))).toEqual(['u3', 'u4', 'u5']);
    expect(ids(page({ keyMarker: 'a0' }))).toEqual(['u9', 'u2', 'u3', 'u4', 'u5']);
  });

  it('key-marker + upload-id-marker continues within that key after the named upload', () => {
    expect(ids(page({ keyMarker: 'b', uploadIdMarker: 'u9' }))).toEqual(['u2', 'u3', 'u4', 'u5']);
    expect(ids(page({ keyMarker: 'b', uploadIdMarker: 'u2' }))).toEqual(['u3', 'u4', 'u5']);
  });

  it('upload-id-marker without key-marker is ignored', () => {
    expect(ids(page({ uploadIdMarker: 'u9' }))).toEqual(ids(page({})));
  });

  it('pages through with the Next markers, visiting every upload once', () => {
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = page({ maxUploads: 2, keyMarker, uploadIdMarker });
      seen.push(...ids(p));
      if (!p.isTruncated) break;
      keyMarker = p.nextKeyMarker;
      uploadIdMarker = p.nextUploadIdMarker;
    }
    expect(seen).toEqual(['u1', 'u9', 'u2', 'u3', 'u4', 'u5']);
  });

  it('rolls keys up into CommonPrefixes with a delimiter; each prefix counts once towards max-uploads', () => {
    const p = page({ delimiter: '/' });
    expect(ids(p)).toEqual(['u1', 'u9', 'u2', 'u5']);
    expect(p.commonPrefixes).toEqual(['c/']);
    const first = page({ delimiter: '/', maxUploads: 4 });
    expect([...ids(first), ...first.commonPrefixes]).toEqual(['u1', 'u9', 'u2', 'c/']);
    expect(first).toMatchObject({ isTruncated: true, nextKeyMarker: 'c/', nextUploadIdMarker: undefined });
    const next = page({ delimiter: '/', maxUploads: 4, keyMarker: 'c/' });
    expect(ids(next)).toEqual(['u5']);
    expect(next.commonPrefixes).toEqual([]);
  });

  it('filters by prefix, and rolls up after the prefix', () => {
    expect(ids(page({ prefix: 'c/' }))).toEqual(['u3', 'u4']);
    expect(page({ prefix: 'c', delimiter: '/' }).commonPrefixes).toEqual(['c/']);
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF61 is 0xEF 0xBD 0xA1 in UTF-8; U+1F600 is 0xF0 …: bytes put the emoji last, UTF-16 puts it first.
    expect(compareKeys('\uff61', '\u{1f600}')).toBeLessThan(0);
    expect('\uff61' < '\u{1f600}').toBe(false);
  });
});

describe('pageParts', () => {
  const parts = [1, 2, 5, 7].map((partNumber) => ({ partNumber }));
  it('returns parts after the marker, max of them, with the next marker', () => {
    expect(pageParts(parts, 0, 2)).toEqual({ items: [{ partNumber: 1 }, { partNumber: 2 }], isTruncated: true, nextMarker: 2 });
    expect(pageParts(parts, 2, 2)).toEqual({ items: [{ partNumber: 5 }, { partNumber: 7 }], isTruncated: false, nextMarker: 7 });
    expect(pageParts(parts, 7, 2)).toEqual({ items: [], isTruncated: false, nextMarker: 0 });
  });
});
