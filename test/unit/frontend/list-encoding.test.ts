/** The listing documents' direct writer gives the bytes the generic XML writer gives for the same nodes. */
import { describe, expect, it } from 'vitest';
import { listingEncoder, listingXml } from '../../../src/frontend/list-encoding.js';
import { buildXml, type XmlNode } from '../../../src/frontend/xml/build.js';

const objects = ['plain', 'a&b<c>"d\'e\r', 'ä/\u{1F600} x', 'x%2Fy+z'].map((key, i) => ({
  key,
  lastModified: new Date(1_700_000_000_000 + i * 1234),
  etag: i === 3 ? '0123456789abcdef0123456789abcdef-2' : 'd41d8cd98f00b204e9800998ecf8427e',
  size: i * 1000,
  storageClass: i % 2 ? 'REDUCED_REDUNDANCY' : 'STANDARD',
}));
const prefixes = ['p/', 'q&r/', '\u{1F600}/'];
const owner = { ID: 'AKIA<&>', DisplayName: 'root "admin"' };
const header: XmlNode = { Name: 'bkt', Prefix: '', MaxKeys: 1000, IsTruncated: true, EncodingType: undefined };

describe('listing XML', () => {
  for (const encodeUrl of [false, true]) {
    const enc = listingEncoder(encodeUrl) as (v: string) => string | undefined;
    for (const withOwner of [false, true]) {
      it(`Contents and CommonPrefixes (url ${encodeUrl}, owner ${withOwner})`, () => {
        const generic = buildXml('ListBucketResult', {
          ...header,
          Contents: objects.map((o) => ({ Key: enc(o.key), LastModified: o.lastModified, ETag: `"${o.etag}"`, Size: o.size, Owner: withOwner ? owner : undefined, StorageClass: o.storageClass })),
          CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
        });
        const tail = { element: 'Contents' as const, objects, commonPrefixes: prefixes, owner: withOwner ? owner : undefined };
        expect(listingXml('ListBucketResult', header, tail, enc).toString('utf8')).toBe(generic);
      });
    }
    it(`Version elements (url ${encodeUrl})`, () => {
      const generic = buildXml('ListVersionsResult', {
        ...header,
        Version: objects.map((o) => ({ Key: enc(o.key), VersionId: 'null', IsLatest: true, LastModified: o.lastModified, ETag: `"${o.etag}"`, Size: o.size, Owner: owner, StorageClass: o.storageClass })),
        CommonPrefixes: [],
      });
      expect(listingXml('ListVersionsResult', header, { element: 'Version', objects, commonPrefixes: [], owner }, enc).toString('utf8')).toBe(generic);
    });
  }
  it('an empty page', () => {
    expect(listingXml('ListBucketResult', header, { element: 'Contents', objects: [], commonPrefixes: [] }, (v) => v).toString('utf8')).toBe(buildXml('ListBucketResult', header));
  });
  it('a page larger than the first buffer, with multi-byte keys', () => {
    const enc = listingEncoder(false) as (v: string) => string | undefined;
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...objects[i % objects.length], key: `${'\u{1F600}ä'.repeat(100)}/${i}` }));
    const generic = buildXml('ListBucketResult', {
      ...header,
      Contents: many.map((o) => ({ Key: enc(o.key), LastModified: o.lastModified, ETag: `"${o.etag}"`, Size: o.size, StorageClass: o.storageClass })),
    });
    expect(listingXml('ListBucketResult', header, { element: 'Contents', objects: many, commonPrefixes: [] }, enc).toString('utf8')).toBe(generic);
  });
});
