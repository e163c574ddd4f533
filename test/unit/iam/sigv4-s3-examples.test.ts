/**
 * The worked examples of AWS's S3 SigV4 documentation ("Signature
 * Calculations for the Authorization Header", "Query String Authentication",
 * "Transferring Payload in Multiple Chunks", "Trailing Headers"), verified
 * end to end through authenticate() and verifyPayload().
 */
import { describe, expect, test } from 'vitest';
import { authenticate } from '../../../src/iam/authenticate.js';
import { verifyPayload } from '../../../src/iam/payload.js';
import { createChecksumHasher } from '../../../src/s3/checksums.js';
import { collect, DOC_KEY, docStore, request, s3ErrorOf, sliced } from './helpers.js';

const now = new Date('2013-05-24T00:00:00Z');
const settings = { region: 'us-east-1' };
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const CRED = `Credential=${DOC_KEY}/20130524/us-east-1/s3/aws4_request`;
const vhost = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z' };

describe('Authorization header examples', () => {
  test('GET Object with Range', async () => {
    const result = await authenticate(
      request({
        now,
        rawPath: '/test.txt',
        headers: {
          ...vhost,
          range: 'bytes=0-9',
          'x-amz-content-sha256': EMPTY,
          authorization: `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
        },
      }),
      docStore,
      settings,
    );
    expect(result).toMatchObject({ kind: 'authenticated', method: 'v4-header', principal: { accessKeyId: DOC_KEY } });
    expect(result.payload).toEqual({ kind: 'sha256', expectedSha256: EMPTY });
  });

  test('PUT Object: the path encodes $ and the body must hash to the signed value', async () => {
    const body = Buffer.from('Welcome to Amazon S3.');
    const headers = {
      ...vhost,
      date: 'Fri, 24 May 2013 00:00:00 GMT',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      'content-length': String(body.length),
      authorization: `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd`,
    };
    for (const rawPath of ['/test$file.text', '/test%24file.text']) {
      const auth = await authenticate(request({ now, method: 'PUT', rawPath, headers }), docStore, settings);
      expect(await collect(verifyPayload(sliced(body, 5), auth, headers).stream)).toEqual(body);
      const other = Buffer.from('Welcome to Amazon S4.');
      const err = await s3ErrorOf(collect(verifyPayload(sliced(other, 5), auth, headers).stream));
      expect(err.code).toBe('XAmzContentSHA256Mismatch');
    }
  });

  test('GET Bucket Lifecycle: a valueless parameter signs as "lifecycle="', async () => {
    const result = await authenticate(
      request({
        now,
        rawQuery: 'lifecycle',
        headers: {
          ...vhost,
          'x-amz-content-sha256': EMPTY,
          authorization: `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543`,
        },
      }),
      docStore,
      settings,
    );
    expect(result.kind).toBe('authenticated');
  });

  test('GET Bucket (list objects): parameters sorted by name', async () => {
    const result = await authenticate(
      request({
        now,
        rawQuery: 'max-keys=2&prefix=J',
        headers: {
          ...vhost,
          'x-amz-content-sha256': EMPTY,
          authorization: `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7`,
        },
      }),
      docStore,
      settings,
    );
    expect(result.kind).toBe('authenticated');
  });
});

describe('presigned URL example', () => {
  const rawQuery =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const presigned = (at: Date) =>
    request({ now: at, rawPath: '/test.txt', rawQuery, headers: { host: 'examplebucket.s3.amazonaws.com' } });

  test('verifies within its 24 hours, with an unsigned payload', async () => {
    const result = await authenticate(presigned(new Date('2013-05-24T23:59:59Z')), docStore, settings);
    expect(result).toMatchObject({ kind: 'authenticated', method: 'v4-query', payload: { kind: 'unsigned' } });
  });

  test('has expired a second after', async () => {
    const err = await s3ErrorOf(authenticate(presigned(new Date('2013-05-25T00:00:01Z')), docStore, settings));
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('Request has expired');
    expect(err.extra).toMatchObject({ 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00.000Z' });
  });

  test('is not valid yet when signed more than the skew ahead of the server clock', async () => {
    const err = await s3ErrorOf(authenticate(presigned(new Date('2013-05-23T23:44:59Z')), docStore, settings));
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toBe('Request is not valid yet');
  });
});

/** 66560 bytes of 'a' in a 64 KiB chunk and a 1 KiB chunk, as the chunked examples send them. */
const DATA = Buffer.alloc(66560, 'a');

function chunkedBody(signatures: [string, string, string], trailer?: string): Buffer {
  const [s1, s2, s3] = signatures;
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${s1}\r\n`),
    DATA.subarray(0, 65536),
    Buffer.from(`\r\n400;chunk-signature=${s2}\r\n`),
    DATA.subarray(65536),
    Buffer.from(`\r\n0;chunk-signature=${s3}\r\n`),
    Buffer.from(trailer ?? '\r\n'),
  ]);
}

describe('chunked upload example (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'content-encoding': 'aws-chunked',
    'content-length': '66824',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': '66560',
    authorization:
      `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,` +
      'Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  };
  const body = chunkedBody([
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ]);
  const auth = () => authenticate(request({ now, method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', headers }), docStore, settings);

  test('the seed signature verifies and every chunk signature chains from it', async () => {
    expect(body.length).toBe(66824);
    const result = await auth();
    expect(result.payload).toMatchObject({ kind: 'chunked-signed', trailer: false });
    for (const slice of [1, 7, 4096, 0]) {
      const payload = verifyPayload(sliced(body, slice), result, headers);
      expect(payload.decodedLength).toBe(66560);
      expect((await collect(payload.stream)).equals(DATA)).toBe(true);
      expect(payload.trailers()).toEqual({});
    }
  }, 30_000);

  test('the signing key and seed stay out of anything a logger would print', async () => {
    const printed = JSON.stringify(await auth());
    expect(printed).not.toContain('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    expect(printed).toContain('20130524/us-east-1/s3/aws4_request');
  });
});

describe('chunked upload with a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', () => {
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': '66560',
    'x-amz-trailer': 'x-amz-checksum-crc32c',
    authorization:
      `AWS4-HMAC-SHA256 ${CRED},SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,` +
      'Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
  };
  const signatures: [string, string, string] = [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ];
  const trailerSig = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';

  test('decodes the data and exposes the signed CRC32C trailer', async () => {
    const crc = createChecksumHasher('CRC32C');
    crc.update(DATA);
    expect(crc.digestBase64()).toBe('sOO8/Q==');
    const result = await authenticate(request({ now, method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', headers }), docStore, settings);
    // As real clients send it, and with the blank line AWS's example shows after the final chunk.
    for (const trailer of [
      `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`,
      `\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${trailerSig}\r\n`,
    ]) {
      const payload = verifyPayload(sliced(chunkedBody(signatures, trailer), 7), result, headers);
      expect((await collect(payload.stream)).equals(DATA)).toBe(true);
      expect(payload.trailers()).toEqual({ 'x-amz-checksum-crc32c': 'sOO8/Q==' });
    }
  }, 30_000);

  test('a changed trailer value breaks the trailer signature', async () => {
    const result = await authenticate(request({ now, method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', headers }), docStore, settings);
    const forged = chunkedBody(signatures, `x-amz-checksum-crc32c:sOO8/A==\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`);
    const err = await s3ErrorOf(collect(verifyPayload(sliced(forged, 0), result, headers).stream));
    expect(err.code).toBe('SignatureDoesNotMatch');
  });
});
