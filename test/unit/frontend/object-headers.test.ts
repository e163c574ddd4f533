import { describe, expect, it } from 'vitest';
import { MAX_USER_METADATA_BYTES, httpDate, metaFromHeaders, objectHeaders, parseStorageClass } from '../../../src/frontend/object-headers.js';
import type { ObjectInfo } from '../../../src/s3/types.js';
import { thrown } from '../../helpers/errors.js';


function info(partial: Partial<ObjectInfo> = {}, meta: Partial<ObjectInfo['meta']> = {}): ObjectInfo {
  return {
    bucket: 'b',
    key: 'k',
    size: 11,
    etag: '5eb63bbbe01eeed093cb22bb8f5acdc3',
    lastModified: new Date('2024-05-01T12:00:00.750Z'),
    checksums: {},
    ...partial,
    meta: { userMetadata: {}, storageClass: 'STANDARD', ...meta },
  };
}

describe('metaFromHeaders', () => {
  it('reads the standard content headers as sent', () => {
    const meta = metaFromHeaders({
      'content-type': 'text/plain; charset=utf-8',
      'content-encoding': 'gzip',
      'content-disposition': 'attachment; filename="a.txt"',
      'content-language': 'en-GB',
      'cache-control': 'max-age=60',
      expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    });
    expect(meta).toEqual({
      contentType: 'text/plain; charset=utf-8',
      contentEncoding: 'gzip',
      contentDisposition: 'attachment; filename="a.txt"',
      contentLanguage: 'en-GB',
      cacheControl: 'max-age=60',
      expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
      userMetadata: {},
      storageClass: 'STANDARD',
    });
  });

  it('leaves absent headers undefined', () => {
    expect(metaFromHeaders({})).toEqual({
      contentType: undefined,
      contentEncoding: undefined,
      contentDisposition: undefined,
      contentLanguage: undefined,
      cacheControl: undefined,
      expires: undefined,
      userMetadata: {},
      storageClass: 'STANDARD',
    });
  });

  it('strips the transport-only aws-chunked token from Content-Encoding', () => {
    expect(metaFromHeaders({ 'content-encoding': 'aws-chunked' }).contentEncoding).toBeUndefined();
    expect(metaFromHeaders({ 'content-encoding': 'aws-chunked,gzip' }).contentEncoding).toBe('gzip');
    expect(metaFromHeaders({ 'content-encoding': 'gzip, aws-chunked' }).contentEncoding).toBe('gzip');
    expect(metaFromHeaders({ 'content-encoding': 'AWS-Chunked' }).contentEncoding).toBeUndefined();
    expect(metaFromHeaders({ 'content-encoding': ' aws-chunked , ' }).contentEncoding).toBeUndefined();
    expect(metaFromHeaders({ 'content-encoding': 'aws-chunked,gzip,br' }).contentEncoding).toBe('gzip,br');
  });

  it('does not strip tokens that merely contain aws-chunked', () => {
    expect(metaFromHeaders({ 'content-encoding': 'x-aws-chunked' }).contentEncoding).toBe('x-aws-chunked');
  });

  it('an empty Content-Encoding is not stored', () => {
    expect(metaFromHeaders({ 'content-encoding': '' }).contentEncoding).toBeUndefined();
  });

  it('collects x-amz-meta-* headers without the prefix', () => {
    const meta = metaFromHeaders({
      'x-amz-meta-author': 'Ann',
      'x-amz-meta-project-id': '42',
      'x-amz-meta-empty': '',
      'x-amz-metadata-directive': 'REPLACE',
      'x-amz-meta-skipped': undefined,
      'content-type': 'a/b',
    });
    expect(meta.userMetadata).toEqual({ author: 'Ann', 'project-id': '42', empty: '' });
  });

  it('allows exactly 2 KiB of user metadata, counted as UTF-8 bytes of names and values', () => {
    expect(MAX_USER_METADATA_BYTES).toBe(2048);
    // name "k" (1 byte) + 2047 bytes of value = 2048.
    expect(thrown(() => metaFromHeaders({ 'x-amz-meta-k': 'v'.repeat(2047) }))).toBeUndefined();
    const err = thrown(() => metaFromHeaders({ 'x-amz-meta-k': 'v'.repeat(2048) }));
    expect(err?.code).toBe('MetadataTooLarge');
    expect(err?.status).toBe(400);
    expect(err?.extra).toEqual({ Size: '2049', MaxSizeAllowed: '2048' });
  });

  it('counts the bytes of every name and value, not characters, and not the x-amz-meta- prefix', () => {
    // 2 names of 4 bytes + values of 1020 bytes each = 2048.
    expect(thrown(() => metaFromHeaders({ 'x-amz-meta-aaaa': 'x'.repeat(1020), 'x-amz-meta-bbbb': 'y'.repeat(1020) }))).toBeUndefined();
    expect(thrown(() => metaFromHeaders({ 'x-amz-meta-aaaa': 'x'.repeat(1021), 'x-amz-meta-bbbb': 'y'.repeat(1020) }))?.code).toBe(
      'MetadataTooLarge',
    );
    // "é" is 2 bytes: 1 + 2 × 1023 = 2047 fits; 1 + 2 × 1024 = 2049 does not, though only 1025 characters.
    expect(thrown(() => metaFromHeaders({ 'x-amz-meta-k': 'é'.repeat(1023) }))).toBeUndefined();
    expect(thrown(() => metaFromHeaders({ 'x-amz-meta-k': 'é'.repeat(1024) }))?.code).toBe('MetadataTooLarge');
  });

  it('accepts the STANDARD and REDUCED_REDUNDANCY storage classes; absent means STANDARD', () => {
    expect(metaFromHeaders({}).storageClass).toBe('STANDARD');
    expect(metaFromHeaders({ 'x-amz-storage-class': 'STANDARD' }).storageClass).toBe('STANDARD');
    expect(metaFromHeaders({ 'x-amz-storage-class': 'REDUCED_REDUNDANCY' }).storageClass).toBe('REDUCED_REDUNDANCY');
    expect(parseStorageClass(undefined)).toBe('STANDARD');
    expect(parseStorageClass('')).toBe('STANDARD');
  });

  it('refuses other storage classes with InvalidStorageClass (400)', () => {
    for (const cls of ['GLACIER', 'DEEP_ARCHIVE', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'EXPRESS_ONEZONE', 'standard', 'bogus']) {
      const err = thrown(() => metaFromHeaders({ 'x-amz-storage-class': cls }));
      expect(err?.code, cls).toBe('InvalidStorageClass');
      expect(err?.status).toBe(400);
      expect(err?.extra).toEqual({ StorageClassRequested: cls });
    }
  });
});

describe('objectHeaders', () => {
  const plain = { checksumMode: false, wholeObject: true };

  it('describes a minimal object: default content type, quoted ETag, HTTP Last-Modified, Accept-Ranges', () => {
    expect(objectHeaders(info(), plain)).toEqual({
      'content-type': 'binary/octet-stream',
      etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
      'last-modified': 'Wed, 01 May 2024 12:00:00 GMT',
      'accept-ranges': 'bytes',
    });
  });

  it('httpDate is the IMF-fixdate form', () => {
    expect(httpDate(new Date(Date.UTC(1994, 10, 6, 8, 49, 37)))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('quotes multipart ETags as they are', () => {
    expect(objectHeaders(info({ etag: 'd41d8cd98f00b204e9800998ecf8427e-3' }), plain).etag).toBe('"d41d8cd98f00b204e9800998ecf8427e-3"');
  });

  it('returns stored content headers and user metadata', () => {
    const h = objectHeaders(
      info(
        {},
        {
          contentType: 'text/html',
          contentEncoding: 'gzip',
          contentDisposition: 'inline',
          contentLanguage: 'fr',
          cacheControl: 'no-cache',
          expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
          userMetadata: { author: 'Ann', 'project-id': '42' },
        },
      ),
      plain,
    );
    expect(h).toMatchObject({
      'content-type': 'text/html',
      'content-encoding': 'gzip',
      'content-disposition': 'inline',
      'content-language': 'fr',
      'cache-control': 'no-cache',
      expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
      'x-amz-meta-author': 'Ann',
      'x-amz-meta-project-id': '42',
    });
  });

  it('names the storage class only when it is not STANDARD', () => {
    expect(objectHeaders(info(), plain)).not.toHaveProperty('x-amz-storage-class');
    expect(objectHeaders(info({}, { storageClass: 'REDUCED_REDUNDANCY' }), plain)['x-amz-storage-class']).toBe('REDUCED_REDUNDANCY');
  });

  it('sends x-amz-version-id except for the "null" version', () => {
    expect(objectHeaders(info({ versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' }), plain)['x-amz-version-id']).toBe('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');
    expect(objectHeaders(info({ versionId: 'null' }), plain)).not.toHaveProperty('x-amz-version-id');
    expect(objectHeaders(info(), plain)).not.toHaveProperty('x-amz-version-id');
  });

  describe('checksums', () => {
    const withChecksums = info({ checksums: { CRC32: 'y/Q5Jg==', SHA256: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' } });

    it('are sent only with checksum mode on a whole-object read', () => {
      const h = objectHeaders(withChecksums, { checksumMode: true, wholeObject: true });
      expect(h['x-amz-checksum-crc32']).toBe('y/Q5Jg==');
      expect(h['x-amz-checksum-sha256']).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
      expect(h['x-amz-checksum-type']).toBe('FULL_OBJECT');
    });

    it('are not sent without checksum mode', () => {
      const h = objectHeaders(withChecksums, { checksumMode: false, wholeObject: true });
      expect(Object.keys(h).filter((k) => k.startsWith('x-amz-checksum'))).toEqual([]);
    });

    it('are not sent for a range or part read', () => {
      const h = objectHeaders(withChecksums, { checksumMode: true, wholeObject: false });
      expect(Object.keys(h).filter((k) => k.startsWith('x-amz-checksum'))).toEqual([]);
    });

    it('report the stored checksum type (COMPOSITE for multipart)', () => {
      const h = objectHeaders(info({ checksums: { CRC32C: '4waSgw==' }, checksumType: 'COMPOSITE' }), { checksumMode: true, wholeObject: true });
      expect(h['x-amz-checksum-crc32c']).toBe('4waSgw==');
      expect(h['x-amz-checksum-type']).toBe('COMPOSITE');
    });

    it('no stored checksums → no checksum headers at all, even with checksum mode', () => {
      const h = objectHeaders(info(), { checksumMode: true, wholeObject: true });
      expect(Object.keys(h).filter((k) => k.startsWith('x-amz-checksum'))).toEqual([]);
    });

    it('use lower-case header names for every algorithm', () => {
      const h = objectHeaders(info({ checksums: { CRC64NVME: 'rosUhgp5mIg=', SHA1: '98O8HYCOBHMq32eZZczDTKeuNEE=' } }), {
        checksumMode: true,
        wholeObject: true,
      });
      expect(h['x-amz-checksum-crc64nvme']).toBe('rosUhgp5mIg=');
      expect(h['x-amz-checksum-sha1']).toBe('98O8HYCOBHMq32eZZczDTKeuNEE=');
    });
  });

  describe('response-* overrides', () => {
    it('override the corresponding headers', () => {
      const query = new URLSearchParams({
        'response-content-type': 'application/json',
        'response-content-language': 'de',
        'response-expires': 'Thu, 01 Dec 2094 16:00:00 GMT',
        'response-cache-control': 'no-store',
        'response-content-disposition': 'attachment; filename="x.json"',
        'response-content-encoding': 'identity',
      });
      const h = objectHeaders(info({}, { contentType: 'text/plain', contentEncoding: 'gzip', cacheControl: 'max-age=1' }), { ...plain, query });
      expect(h).toMatchObject({
        'content-type': 'application/json',
        'content-language': 'de',
        expires: 'Thu, 01 Dec 2094 16:00:00 GMT',
        'cache-control': 'no-store',
        'content-disposition': 'attachment; filename="x.json"',
        'content-encoding': 'identity',
      });
    });

    it('are decoded from the query string', () => {
      const query = new URLSearchParams('response-content-disposition=attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9.pdf%22');
      expect(objectHeaders(info(), { ...plain, query })['content-disposition']).toBe('attachment; filename="résumé.pdf"');
    });

    it('leave headers alone when absent, and ignore other parameters', () => {
      const query = new URLSearchParams({ versionId: 'v', 'response-etag': 'x', 'x-id': 'GetObject' });
      expect(objectHeaders(info({}, { contentType: 'text/plain' }), { ...plain, query })).toEqual(objectHeaders(info({}, { contentType: 'text/plain' }), plain));
    });

    it('cannot override the ETag, Last-Modified or metadata', () => {
      const query = new URLSearchParams({ 'response-etag': '"x"', 'response-last-modified': 'x', 'response-x-amz-meta-a': 'x' });
      const h = objectHeaders(info({}, { userMetadata: { a: 'orig' } }), { ...plain, query });
      expect(h.etag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
      expect(h['last-modified']).toBe('Wed, 01 May 2024 12:00:00 GMT');
      expect(h['x-amz-meta-a']).toBe('orig');
    });
  });
});

describe('metaFromHeaders → objectHeaders', () => {
  it('what a PUT stores is what a GET returns', () => {
    const meta = metaFromHeaders({
      'content-type': 'image/png',
      'content-encoding': 'aws-chunked,gzip',
      'cache-control': 'public',
      'x-amz-meta-camera': 'x100',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    });
    const h = objectHeaders({ ...info(), meta }, { checksumMode: false, wholeObject: true });
    expect(h).toEqual({
      'content-type': 'image/png',
      'content-encoding': 'gzip',
      'cache-control': 'public',
      'x-amz-meta-camera': 'x100',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
      'last-modified': 'Wed, 01 May 2024 12:00:00 GMT',
      'accept-ranges': 'bytes',
    });
  });
});
