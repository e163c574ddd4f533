/**
 * Requests signed and presigned by @smithy/signature-v4 (the JS SDK v3
 * signer, configured as the S3 client configures it) must verify, and any
 * tampering must fail with the error AWS gives.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, test } from 'vitest';
import { authenticate } from '../../../src/iam/authenticate.js';
import { RootCredentialStore } from '../../../src/iam/credentials.js';
import { verifyPayload } from '../../../src/iam/payload.js';
import { clearSigningKeyCache } from '../../../src/iam/signing-key.js';
import type { AuthRequest } from '../../../src/iam/auth-types.js';
import { collect, s3ErrorOf, sliced } from './helpers.js';
import { KEY, now, presigned, settings, signed, store } from './sdk-signer.js';

const codeOf = async (req: AuthRequest) => (await s3ErrorOf(authenticate(req, store, settings))).code;

beforeEach(() => clearSigningKeyCache());

describe('header-signed requests verify', () => {
  test.each([
    ['a plain key', 'object.txt', {}],
    ['spaces, unicode and reserved characters', "dir/a b/ሴ/!'()*+,;=@$&:~x", {}],
    ['a ListObjectsV2 query with encoded values', '', { 'list-type': '2', prefix: 'a b/ሴ+', delimiter: '/', 'continuation-token': 'x/y=z' }],
    ['sub-resource queries with empty values', 'object.txt', { tagging: '', versionId: 'v1' }],
  ])('%s', async (_name, key, query) => {
    const result = await authenticate(await signed({ key, query }), store, settings);
    expect(result).toMatchObject({ kind: 'authenticated', method: 'v4-header', principal: { accessKeyId: KEY } });
  });

  test('a client that leaves !, ~ and * unencoded on the wire still matches its encoded signature', async () => {
    const req = await signed({ key: 'a!b~c*d' });
    expect(req.rawPath).toBe('/bucket/a%21b~c%2Ad');
    const result = await authenticate({ ...req, rawPath: '/bucket/a!b%7Ec*d' }, store, settings);
    expect(result.kind).toBe('authenticated');
  });

  test('region "" and "US" are accepted besides the configured one', async () => {
    expect((await authenticate(await signed({ region: 'US' }), store, settings)).kind).toBe('authenticated');
    expect((await authenticate(await signed({ region: '' }), store, settings)).kind).toBe('authenticated');
  });

  test('a signed body: the SHA-256 is enforced on the stream', async () => {
    const body = Buffer.from('hello, cairn');
    const hash = createHash('sha256').update(body).digest('hex');
    const req = await signed({ method: 'PUT', payloadHash: hash, headers: { 'content-length': String(body.length) } });
    const auth = await authenticate(req, store, settings);
    expect(await collect(verifyPayload(sliced(body, 3), auth, req.headers).stream)).toEqual(body);
    const err = await s3ErrorOf(collect(verifyPayload(sliced(Buffer.from('hello, cairN'), 3), auth, req.headers).stream));
    expect(err.code).toBe('XAmzContentSHA256Mismatch');
    const short = await s3ErrorOf(collect(verifyPayload(sliced(body.subarray(0, 5), 3), auth, req.headers).stream));
    expect(short.code).toBe('IncompleteBody');
  });
});

describe('tampering is refused', () => {
  test('path, query, signed header, date, added unsigned x-amz header', async () => {
    const req = await signed({ query: { prefix: 'a' }, headers: { 'x-amz-meta-color': 'blue', range: 'bytes=0-9' } });
    expect((await authenticate(req, store, settings)).kind).toBe('authenticated');
    expect(await codeOf({ ...req, rawPath: req.rawPath + 'x' })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery.replace('prefix=a', 'prefix=b') })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery + '&acl' })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, method: 'DELETE' })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, headers: { ...req.headers, range: 'bytes=0-99' } })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, headers: { ...req.headers, 'x-amz-meta-color': 'red' } })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, headers: { ...req.headers, 'x-amz-date': '20240601T120001Z' } })).toBe('SignatureDoesNotMatch');
    const unsigned = await s3ErrorOf(authenticate({ ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } }, store, settings));
    expect(unsigned.code).toBe('AccessDenied');
    expect(unsigned.extra.HeadersNotSigned).toBe('x-amz-acl');
  });

  test('the error names the key and string to sign, never a signature', async () => {
    const req = await signed({});
    const err = await s3ErrorOf(authenticate({ ...req, rawPath: '/bucket/other' }, store, settings));
    const provided = /Signature=([0-9a-f]{64})/.exec(req.headers.authorization)![1];
    expect(err.extra.AWSAccessKeyId).toBe(KEY);
    expect(err.extra.StringToSign).toMatch(/^AWS4-HMAC-SHA256\n20240601T120000Z\n20240601\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
    expect(JSON.stringify({ ...err.extra, message: err.message })).not.toContain(provided);
  });

  test('an unknown access key, a wrong secret', async () => {
    const req = await signed({});
    expect(await codeOf({ ...req, headers: { ...req.headers, authorization: req.headers.authorization.replace(KEY, 'NOSUCHKEY') } })).toBe('InvalidAccessKeyId');
    const other = new RootCredentialStore(KEY, 'another secret');
    expect((await s3ErrorOf(authenticate(req, other, settings))).code).toBe('SignatureDoesNotMatch');
  });
});

describe('presigned requests', () => {
  test('GET and PUT presigned URLs verify with an unsigned payload', async () => {
    for (const method of ['GET', 'PUT']) {
      const req = await presigned({ method, key: 'dir/a b.txt', query: { 'x-id': method === 'GET' ? 'GetObject' : 'PutObject' } });
      expect(req.headers.authorization).toBeUndefined();
      const result = await authenticate(req, store, settings);
      expect(result).toMatchObject({ kind: 'authenticated', method: 'v4-query', payload: { kind: 'unsigned' } });
    }
  });

  test('tampered, expired, too long-lived, or oddly parameterised URLs are refused', async () => {
    const req = await presigned({ expiresIn: 600 });
    expect(await codeOf({ ...req, rawPath: '/bucket/other.txt' })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=600', 'X-Amz-Expires=700') })).toBe('SignatureDoesNotMatch');
    expect(await codeOf({ ...req, now: new Date(now.getTime() + 601_000) })).toBe('AccessDenied');
    const tooLong = req.rawQuery.replace('X-Amz-Expires=600', 'X-Amz-Expires=604801');
    const err = await s3ErrorOf(authenticate({ ...req, rawQuery: tooLong }, store, settings));
    expect(err.code).toBe('AuthorizationQueryParametersError');
    expect(err.message).toContain('604800');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery.replace('X-Amz-Expires=600', 'X-Amz-Expires=ten') })).toBe('AuthorizationQueryParametersError');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery.replace(/&?X-Amz-Date=[^&]*/, '') })).toBe('AuthorizationQueryParametersError');
    expect(await codeOf({ ...req, rawQuery: req.rawQuery.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') })).toBe('AuthorizationQueryParametersError');
    expect(await codeOf({ ...req, headers: { ...req.headers, 'x-amz-meta-a': 'b' } })).toBe('AccessDenied');
    expect(await codeOf({ ...req, headers: { ...req.headers, authorization: 'AWS4-HMAC-SHA256 Credential=x' } })).toBe('InvalidArgument');
  });

  test('a URL for another region names the region it should have used', async () => {
    const err = await s3ErrorOf(authenticate(await presigned({ region: 'eu-west-1' }), store, settings));
    expect(err.code).toBe('AuthorizationQueryParametersError');
    expect(err.extra.Region).toBe('us-east-1');
  });
});
