import { describe, expect, it } from 'vitest';
import { bucketFromHost, hostWithoutPort, route, type Operation, type RouterSettings } from '../../../src/frontend/router.js';
import { isS3Error, type S3Error } from '../../../src/s3/errors.js';

const PATH_STYLE: RouterSettings = { domains: [] };
const VHOST: RouterSettings = { domains: ['s3.example.com'] };

/** Routes `METHOD /path?query` the way the front door does: raw path, parsed query, lower-cased headers. */
function op(method: string, url: string, headers: Record<string, string> = {}, settings: RouterSettings = PATH_STYLE): Operation {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  return route({ method, rawPath, query, headers }, settings);
}

function errorOf(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (err) {
    if (isS3Error(err)) return err;
    throw new Error(`expected an S3Error, got ${String(err)}`);
  }
  throw new Error('expected an S3Error, nothing was thrown');
}

describe('router: service-level requests', () => {
  it('GET / is ListBuckets', () => {
    expect(op('GET', '/')).toEqual({ target: 'service', name: 'ListBuckets' });
  });

  it('an empty raw path is the service too', () => {
    expect(op('GET', '')).toEqual({ target: 'service', name: 'ListBuckets' });
  });

  it('path-style GET /?list-type=2&prefix=photos names no bucket, so it is ListBuckets', () => {
    expect(op('GET', '/?list-type=2&prefix=photos')).toEqual({ target: 'service', name: 'ListBuckets' });
  });

  it('other methods on the service are MethodNotAllowed with ResourceType SERVICE', () => {
    for (const method of ['HEAD', 'PUT', 'POST', 'DELETE']) {
      const err = errorOf(() => op(method, '/'));
      expect(err.code).toBe('MethodNotAllowed');
      expect(err.status).toBe(405);
      expect(err.extra).toEqual({ Method: method, ResourceType: 'SERVICE' });
    }
  });
});

describe('router: bucket operations (path style)', () => {
  const cases: [method: string, url: string, name: string, headers?: Record<string, string>][] = [
    ['GET', '/examplebucket', 'ListObjects'],
    ['GET', '/examplebucket?prefix=photos&delimiter=/&marker=x', 'ListObjects'],
    ['GET', '/examplebucket?list-type=2&prefix=photos', 'ListObjectsV2'],
    ['GET', '/examplebucket?list-type=2&continuation-token=abc&start-after=k', 'ListObjectsV2'],
    ['GET', '/examplebucket?list-type=1', 'ListObjects'],
    ['GET', '/examplebucket?list-type=', 'ListObjects'],
    ['GET', '/examplebucket?location', 'GetBucketLocation'],
    ['GET', '/examplebucket?policyStatus', 'GetBucketPolicyStatus'],
    ['GET', '/examplebucket?policy', 'GetBucketPolicy'],
    ['PUT', '/examplebucket?policy', 'PutBucketPolicy'],
    ['DELETE', '/examplebucket?policy', 'DeleteBucketPolicy'],
    ['GET', '/examplebucket?uploads', 'ListMultipartUploads'],
    ['GET', '/examplebucket?uploads&prefix=a&max-uploads=3', 'ListMultipartUploads'],
    ['GET', '/examplebucket?versions', 'ListObjectVersions'],
    ['GET', '/examplebucket?versions&prefix=photos&key-marker=k&version-id-marker=v', 'ListObjectVersions'],
    ['GET', '/examplebucket?versioning', 'GetBucketVersioning'],
    ['PUT', '/examplebucket?versioning', 'PutBucketVersioning'],
    ['GET', '/examplebucket?acl', 'GetBucketAcl'],
    ['PUT', '/examplebucket?acl', 'PutBucketAcl'],
    ['GET', '/examplebucket?tagging', 'GetBucketTagging'],
    ['PUT', '/examplebucket?tagging', 'PutBucketTagging'],
    ['DELETE', '/examplebucket?tagging', 'DeleteBucketTagging'],
    ['GET', '/examplebucket?cors', 'GetBucketCors'],
    ['PUT', '/examplebucket?cors', 'PutBucketCors'],
    ['DELETE', '/examplebucket?cors', 'DeleteBucketCors'],
    ['GET', '/examplebucket?lifecycle', 'GetBucketLifecycleConfiguration'],
    ['PUT', '/examplebucket?lifecycle', 'PutBucketLifecycleConfiguration'],
    ['DELETE', '/examplebucket?lifecycle', 'DeleteBucketLifecycleConfiguration'],
    ['GET', '/examplebucket?website', 'GetBucketWebsite'],
    ['GET', '/examplebucket?encryption', 'GetBucketEncryption'],
    ['GET', '/examplebucket?object-lock', 'GetObjectLockConfiguration'],
    ['GET', '/examplebucket?notification', 'GetBucketNotificationConfiguration'],
    ['GET', '/examplebucket?logging', 'GetBucketLogging'],
    ['GET', '/examplebucket?replication', 'GetBucketReplication'],
    ['GET', '/examplebucket?ownershipControls', 'GetBucketOwnershipControls'],
    ['GET', '/examplebucket?publicAccessBlock', 'GetPublicAccessBlock'],
    ['GET', '/examplebucket?accelerate', 'GetBucketAccelerateConfiguration'],
    ['GET', '/examplebucket?requestPayment', 'GetBucketRequestPayment'],
    ['PUT', '/examplebucket?intelligent-tiering&id=cfg', 'PutBucketIntelligentTieringConfiguration'],
    ['GET', '/examplebucket?analytics&id=cfg', 'GetBucketAnalyticsConfiguration'],
    ['DELETE', '/examplebucket?inventory&id=cfg', 'DeleteBucketInventoryConfiguration'],
    ['GET', '/examplebucket?metrics&id=cfg', 'GetBucketMetricsConfiguration'],
    ['HEAD', '/examplebucket', 'HeadBucket'],
    ['PUT', '/examplebucket', 'CreateBucket'],
    ['DELETE', '/examplebucket', 'DeleteBucket'],
    ['POST', '/examplebucket?delete', 'DeleteObjects'],
    ['POST', '/examplebucket?delete=', 'DeleteObjects'],
    ['POST', '/examplebucket', 'PostObject'],
  ];

  for (const [method, url, name, headers] of cases) {
    it(`${method} ${url} → ${name}`, () => {
      expect(op(method, url, headers)).toEqual({ target: 'bucket', name, bucket: 'examplebucket' });
    });
  }

  it('a trailing slash still addresses the bucket, not an empty key', () => {
    expect(op('GET', '/examplebucket/')).toEqual({ target: 'bucket', name: 'ListObjects', bucket: 'examplebucket' });
    expect(op('GET', '/examplebucket/?location')).toEqual({ target: 'bucket', name: 'GetBucketLocation', bucket: 'examplebucket' });
    expect(op('PUT', '/examplebucket/')).toEqual({ target: 'bucket', name: 'CreateBucket', bucket: 'examplebucket' });
  });

  it('the bucket name is percent-decoded but not otherwise altered', () => {
    expect(op('GET', '/my%2Dbucket')).toEqual({ target: 'bucket', name: 'ListObjects', bucket: 'my-bucket' });
    // Validation of the name is the caller's job: the router reports what was addressed.
    expect(op('GET', '/MyBucket')).toEqual({ target: 'bucket', name: 'ListObjects', bucket: 'MyBucket' });
  });
});

describe('router: object operations (path style)', () => {
  const copy = { 'x-amz-copy-source': '/srcbucket/srckey' };
  const cases: [method: string, url: string, name: string, headers?: Record<string, string>][] = [
    ['GET', '/examplebucket/photos/2006/puppy.jpg', 'GetObject'],
    ['GET', '/examplebucket/my-image.jpg?versionId=L4kqtJlcpXroDTDmpUMLUo', 'GetObject'],
    ['GET', '/examplebucket/k?partNumber=2', 'GetObject'],
    ['GET', '/examplebucket/k?response-content-type=text/plain', 'GetObject'],
    ['HEAD', '/examplebucket/my-image.jpg', 'HeadObject'],
    ['HEAD', '/examplebucket/k?partNumber=1', 'HeadObject'],
    ['PUT', '/examplebucket/my-image.jpg', 'PutObject'],
    ['PUT', '/examplebucket/my-image.jpg', 'CopyObject', copy],
    ['PUT', '/examplebucket/my-image.jpg?versionId=v', 'CopyObject', copy],
    ['PUT', '/examplebucket/k?partNumber=1&uploadId=VXBsb2FkIElE', 'UploadPart'],
    ['PUT', '/examplebucket/k?partNumber=1&uploadId=VXBsb2FkIElE', 'UploadPartCopy', copy],
    ['PUT', '/examplebucket/k?uploadId=VXBsb2FkIElE&partNumber=1', 'UploadPartCopy', { ...copy, 'x-amz-copy-source-range': 'bytes=0-9' }],
    ['GET', '/examplebucket/k?uploadId=x', 'ListParts'],
    ['GET', '/examplebucket/k?max-parts=2&part-number-marker=1&uploadId=x', 'ListParts'],
    ['POST', '/examplebucket/k?uploads', 'CreateMultipartUpload'],
    ['POST', '/examplebucket/k?uploads=', 'CreateMultipartUpload'],
    ['POST', '/examplebucket/k?uploadId=x', 'CompleteMultipartUpload'],
    ['DELETE', '/examplebucket/k?uploadId=x', 'AbortMultipartUpload'],
    ['DELETE', '/examplebucket/k', 'DeleteObject'],
    ['DELETE', '/examplebucket/k?versionId=v', 'DeleteObject'],
    ['GET', '/examplebucket/k?acl', 'GetObjectAcl'],
    ['PUT', '/examplebucket/k?acl', 'PutObjectAcl'],
    ['GET', '/examplebucket/k?tagging', 'GetObjectTagging'],
    ['GET', '/examplebucket/k?tagging&versionId=v', 'GetObjectTagging'],
    ['PUT', '/examplebucket/k?tagging', 'PutObjectTagging'],
    ['PUT', '/examplebucket/k?tagging', 'PutObjectTagging', copy],
    ['DELETE', '/examplebucket/k?tagging', 'DeleteObjectTagging'],
    ['GET', '/examplebucket/k?retention', 'GetObjectRetention'],
    ['PUT', '/examplebucket/k?retention', 'PutObjectRetention'],
    ['GET', '/examplebucket/k?legal-hold', 'GetObjectLegalHold'],
    ['PUT', '/examplebucket/k?legal-hold', 'PutObjectLegalHold'],
    ['GET', '/examplebucket/k?attributes', 'GetObjectAttributes'],
    ['GET', '/examplebucket/k?torrent', 'GetObjectTorrent'],
    ['POST', '/examplebucket/k?restore&versionId=v', 'RestoreObject'],
    ['POST', '/examplebucket/k?select&select-type=2', 'SelectObjectContent'],
  ];

  for (const [method, url, name, headers] of cases) {
    it(`${method} ${url}${headers ? ' + ' + Object.keys(headers).join(',') : ''} → ${name}`, () => {
      const result = op(method, url, headers);
      expect(result.target).toBe('object');
      expect(result.name).toBe(name);
      expect(result).toMatchObject({ bucket: 'examplebucket' });
    });
  }

  it('the key is everything after the first slash following the bucket', () => {
    expect(op('GET', '/examplebucket/photos/2006/puppy.jpg')).toEqual({
      target: 'object',
      name: 'GetObject',
      bucket: 'examplebucket',
      key: 'photos/2006/puppy.jpg',
    });
  });

  it('keeps a trailing slash in the key (folder objects)', () => {
    expect(op('PUT', '/b/dir/')).toMatchObject({ name: 'PutObject', key: 'dir/' });
  });

  it('keys with double slashes keep the empty segment', () => {
    expect(op('GET', '/bucket//a')).toEqual({ target: 'object', name: 'GetObject', bucket: 'bucket', key: '/a' });
    expect(op('GET', '/bucket/a//b')).toMatchObject({ key: 'a//b' });
    expect(op('GET', '/bucket///')).toMatchObject({ target: 'object', key: '//' });
  });

  it('POST on an object without a sub-resource is MethodNotAllowed with ResourceType OBJECT', () => {
    const err = errorOf(() => op('POST', '/examplebucket/k'));
    expect(err.code).toBe('MethodNotAllowed');
    expect(err.extra).toEqual({ Method: 'POST', ResourceType: 'OBJECT' });
  });

  it('the query is matched by parameter name, not by substring', () => {
    // "uploadIds" is not "uploadId"; "tag" is not "tagging".
    expect(op('GET', '/b/k?uploadIds=x').name).toBe('GetObject');
    expect(op('GET', '/b/k?tag').name).toBe('GetObject');
    expect(op('GET', '/b?location-x').name).toBe('ListObjects');
  });

  it('the query parameter name is case-sensitive', () => {
    expect(op('GET', '/b/k?UPLOADID=x').name).toBe('GetObject');
    expect(op('GET', '/b?Location').name).toBe('ListObjects');
  });
});

describe('router: percent-decoding of keys', () => {
  const keyOf = (rawPath: string) => {
    const result = op('GET', rawPath);
    if (result.target !== 'object') throw new Error(`not an object route: ${JSON.stringify(result)}`);
    return result.key;
  };

  it('decodes %20 to a space', () => {
    expect(keyOf('/b/my%20file.txt')).toBe('my file.txt');
  });

  it('leaves "+" as a literal plus (paths are not form-encoded)', () => {
    expect(keyOf('/b/a+b')).toBe('a+b');
    expect(keyOf('/b/a%2Bb')).toBe('a+b');
  });

  it('decodes UTF-8 multi-byte sequences', () => {
    expect(keyOf('/b/caf%C3%A9')).toBe('café');
    expect(keyOf('/b/%E2%82%AC100')).toBe('€100');
    expect(keyOf('/b/%F0%9F%98%80.png')).toBe('😀.png');
    expect(keyOf('/b/%E6%97%A5%E6%9C%AC/%E8%AA%9E')).toBe('日本/語');
  });

  it('decodes %2F inside a key to a slash, without splitting the bucket', () => {
    expect(op('GET', '/b/a%2Fb%2Fc')).toEqual({ target: 'object', name: 'GetObject', bucket: 'b', key: 'a/b/c' });
  });

  it('decodes reserved characters and percent itself', () => {
    expect(keyOf('/b/100%25')).toBe('100%');
    expect(keyOf('/b/a%3Fb%23c%26d')).toBe('a?b#c&d');
  });

  it('leaves unencoded safe characters untouched', () => {
    expect(keyOf("/b/a-b_c.d~e!f'g(h)i*j")).toBe("a-b_c.d~e!f'g(h)i*j");
  });

  it('accepts lower-case hex digits', () => {
    expect(keyOf('/b/caf%c3%a9')).toBe('café');
  });

  it('malformed percent-encoding in the key is InvalidURI', () => {
    for (const raw of ['/b/%', '/b/%2', '/b/%ZZ', '/b/a%G1', '/b/%E9', '/b/%C3', '/b/%ED%A0%80', '/b/%FF%FE']) {
      const err = errorOf(() => op('GET', raw));
      expect(err.code, raw).toBe('InvalidURI');
      expect(err.status).toBe(400);
    }
  });

  it('malformed percent-encoding in the bucket is InvalidURI', () => {
    expect(errorOf(() => op('GET', '/bu%ZZcket')).code).toBe('InvalidURI');
    expect(errorOf(() => op('GET', '/bu%/key')).code).toBe('InvalidURI');
  });
});

describe('router: virtual-hosted style', () => {
  const vhost = (method: string, url: string, host: string, headers: Record<string, string> = {}, settings = VHOST) =>
    op(method, url, { host, ...headers }, settings);

  it('GET /?list-type=2&prefix=photos on bucket.s3.example.com is ListObjectsV2 on that bucket', () => {
    expect(vhost('GET', '/?list-type=2&prefix=photos', 'examplebucket.s3.example.com')).toEqual({
      target: 'bucket',
      name: 'ListObjectsV2',
      bucket: 'examplebucket',
    });
  });

  it('GET /?location is GetBucketLocation', () => {
    expect(vhost('GET', '/?location', 'examplebucket.s3.example.com')).toEqual({
      target: 'bucket',
      name: 'GetBucketLocation',
      bucket: 'examplebucket',
    });
  });

  it('POST /?delete is DeleteObjects', () => {
    expect(vhost('POST', '/?delete', 'examplebucket.s3.example.com')).toMatchObject({ name: 'DeleteObjects', bucket: 'examplebucket' });
  });

  it('the whole path is the key: the first segment is not a bucket', () => {
    expect(vhost('GET', '/photos/2006/puppy.jpg', 'examplebucket.s3.example.com')).toEqual({
      target: 'object',
      name: 'GetObject',
      bucket: 'examplebucket',
      key: 'photos/2006/puppy.jpg',
    });
  });

  it('object sub-resources route the same as path style', () => {
    const host = 'examplebucket.s3.example.com';
    expect(vhost('PUT', '/k?partNumber=1&uploadId=x', host).name).toBe('UploadPart');
    expect(vhost('PUT', '/k?partNumber=1&uploadId=x', host, { 'x-amz-copy-source': 'src/k' }).name).toBe('UploadPartCopy');
    expect(vhost('PUT', '/k', host, { 'x-amz-copy-source': 'src/k' }).name).toBe('CopyObject');
    expect(vhost('GET', '/k?uploadId=x', host).name).toBe('ListParts');
    expect(vhost('POST', '/k?uploads', host).name).toBe('CreateMultipartUpload');
    expect(vhost('GET', '/?uploads', host).name).toBe('ListMultipartUploads');
  });

  it('decodes the key, including %2F, and keeps a leading slash from a double slash', () => {
    expect(vhost('GET', '/a%20b%2Fc', 'b1.s3.example.com')).toMatchObject({ bucket: 'b1', key: 'a b/c' });
    expect(vhost('GET', '//a', 'b1.s3.example.com')).toMatchObject({ target: 'object', bucket: 'b1', key: '/a' });
    expect(errorOf(() => vhost('GET', '/%E9', 'b1.s3.example.com')).code).toBe('InvalidURI');
  });

  it('ignores the port in the Host header', () => {
    expect(vhost('GET', '/', 'examplebucket.s3.example.com:9000')).toEqual({
      target: 'bucket',
      name: 'ListObjects',
      bucket: 'examplebucket',
    });
  });

  it('matches the host case-insensitively', () => {
    expect(vhost('GET', '/', 'ExampleBucket.S3.Example.COM')).toMatchObject({ target: 'bucket', bucket: 'examplebucket' });
    expect(vhost('GET', '/', 'examplebucket.s3.example.com', {}, { domains: ['S3.EXAMPLE.com'] })).toMatchObject({
      target: 'bucket',
      bucket: 'examplebucket',
    });
  });

  it('bucket names with dots are taken whole', () => {
    expect(vhost('GET', '/k', 'my.dotted.bucket.s3.example.com')).toMatchObject({ bucket: 'my.dotted.bucket', key: 'k' });
  });

  it('a host that only equals the domain falls back to path style', () => {
    expect(vhost('GET', '/', 's3.example.com')).toEqual({ target: 'service', name: 'ListBuckets' });
    expect(vhost('GET', '/examplebucket/k', 's3.example.com:443')).toEqual({
      target: 'object',
      name: 'GetObject',
      bucket: 'examplebucket',
      key: 'k',
    });
  });

  it('a host outside every configured domain is path style', () => {
    expect(vhost('GET', '/examplebucket', 'examplebucket.other.example.org')).toEqual({
      target: 'bucket',
      name: 'ListObjects',
      bucket: 'examplebucket',
    });
    // A suffix match must be on a label boundary.
    expect(vhost('GET', '/', 'bucket.evils3.example.com')).toEqual({ target: 'service', name: 'ListBuckets' });
    expect(vhost('GET', '/', 'localhost:9000')).toEqual({ target: 'service', name: 'ListBuckets' });
  });

  it('without a Host header, or with no domains configured, addressing is path style', () => {
    expect(op('GET', '/', {}, VHOST)).toEqual({ target: 'service', name: 'ListBuckets' });
    expect(op('GET', '/b', { host: 'b.s3.example.com' }, PATH_STYLE)).toEqual({ target: 'bucket', name: 'ListObjects', bucket: 'b' });
  });

  it('tries every configured domain', () => {
    const settings = { domains: ['s3.example.com', 'storage.internal'] };
    expect(vhost('GET', '/k', 'b2.storage.internal:8080', {}, settings)).toMatchObject({ bucket: 'b2', key: 'k' });
  });
});

describe('router: methods', () => {
  it('an unknown method is MethodNotAllowed (405) naming the method', () => {
    for (const method of ['PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND']) {
      const err = errorOf(() => op(method, '/b/k'));
      expect(err.code).toBe('MethodNotAllowed');
      expect(err.status).toBe(405);
      expect(err.extra.Method).toBe(method);
    }
  });

  it('methods are case-sensitive', () => {
    expect(errorOf(() => op('get', '/b/k')).code).toBe('MethodNotAllowed');
  });

  it('the method is checked before the path is decoded', () => {
    expect(errorOf(() => op('PATCH', '/b/%ZZ')).code).toBe('MethodNotAllowed');
  });
});

describe('router: host helpers', () => {
  it('hostWithoutPort strips the port, lower-cases and handles IPv6 literals', () => {
    expect(hostWithoutPort('Example.com:9000')).toBe('example.com');
    expect(hostWithoutPort('example.com')).toBe('example.com');
    expect(hostWithoutPort(' example.com ')).toBe('example.com');
    expect(hostWithoutPort('[::1]:9000')).toBe('[::1]');
    expect(hostWithoutPort('[::1]')).toBe('[::1]');
    expect(hostWithoutPort('127.0.0.1:80')).toBe('127.0.0.1');
  });

  it('bucketFromHost returns the label(s) before the domain, or undefined', () => {
    expect(bucketFromHost('b.s3.example.com', ['s3.example.com'])).toBe('b');
    expect(bucketFromHost('s3.example.com', ['s3.example.com'])).toBeUndefined();
    expect(bucketFromHost('.s3.example.com', ['s3.example.com'])).toBeUndefined();
    expect(bucketFromHost(undefined, ['s3.example.com'])).toBeUndefined();
    expect(bucketFromHost('', ['s3.example.com'])).toBeUndefined();
    expect(bucketFromHost('[::1]:9000', ['s3.example.com'])).toBeUndefined();
  });
});

describe('sub-resources never fall through to destructive plain routes', () => {
  it.each([
    ['DELETE', '/bucket?acl'],
    ['DELETE', '/bucket/key?acl'],
    ['PUT', '/bucket/key?versioning'],
    ['DELETE', '/bucket?versioning'],
    ['GET', '/bucket/key?uploads'],
  ])('%s %s is MethodNotAllowed', (method, url) => {
    expect(errorOf(() => op(method, url)).code).toBe('MethodNotAllowed');
  });

  it('ordinary parameters (x-id, versionId, response-*) still reach the plain route', () => {
    expect(op('PUT', '/bucket/key?x-id=PutObject').name).toBe('PutObject');
    expect(op('DELETE', '/bucket/key?versionId=null').name).toBe('DeleteObject');
    expect(op('GET', '/bucket/key?response-content-type=text/plain&partNumber=1').name).toBe('GetObject');
  });
});

describe('overlapping virtual-host domains', () => {
  it('the longest matching domain wins', () => {
    expect(bucketFromHost('b.s3.example.com', ['example.com', 's3.example.com'])).toBe('b');
    expect(bucketFromHost('b.example.com:9000', ['example.com', 's3.example.com'])).toBe('b');
  });
});
