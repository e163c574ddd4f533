/** The small pure pieces: URI encoding, canonical query, header joining, content-sha256 modes. */
import { describe, expect, test } from 'vitest';
import { contentSha256Mode, isAwsChunkedMode, storedContentEncoding } from '../../../src/iam/content-sha256.js';
import { headersFromRaw } from '../../../src/iam/raw-headers.js';
import { parseAmzDate, parseHttpDate } from '../../../src/iam/request-time.js';
import { canonicalHeaders } from '../../../src/iam/sigv4-canonical.js';
import { canonicalQuery, canonicalUri, parseQuery } from '../../../src/iam/uri-encoding.js';

describe('canonicalUri', () => {
  test.each([
    ['', '/'],
    ['/', '/'],
    ['/bucket/a b', '/bucket/a%20b'],
    ['/bucket/a%20b', '/bucket/a%20b'],
    ['/bucket/a+b', '/bucket/a%2Bb'],
    ['/bucket/%7e%41', '/bucket/~A'],
    ['/bucket/a%2Fb', '/bucket/a%2Fb'],
    ['/bucket/./../x//', '/bucket/./../x//'],
    ['/bucket/100%', '/bucket/100%25'],
    ['/bucket/%zz', '/bucket/%25zz'],
    ['/bucket/%C3%A9%c3%a9é', '/bucket/%C3%A9%C3%A9%C3%A9'],
  ])('%s → %s', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });
});

describe('canonicalQuery', () => {
  test('sorted by encoded name then value, every value present, + read as a space', () => {
    const q = parseQuery('b=2&a=2&a=1&acl&x=a+b%2Bc&%E1%88%B4=v&&empty=');
    expect(canonicalQuery(q)).toBe('%E1%88%B4=v&a=1&a=2&acl=&b=2&empty=&x=a%20b%2Bc');
  });

  test('excluded names drop out', () => {
    const q = parseQuery('X-Amz-Signature=abc&X-Amz-Date=1');
    expect(canonicalQuery(q, (n) => n === 'X-Amz-Signature')).toBe('X-Amz-Date=1');
  });
});

describe('headers', () => {
  test('repeated raw headers join with a bare comma, each value trimmed', () => {
    const headers = headersFromRaw(['Host', 'h', 'My-Header1', ' value2 ', 'my-header1', 'value1', '__proto__', 'x']);
    expect(headers['my-header1']).toBe('value2,value1');
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(headers['__proto__']).toBe('x');
  });

  test('a signed header that is absent, or named like an Object property, signs as empty', () => {
    expect(canonicalHeaders({ host: 'h' }, ['host', 'constructor', 'missing'])).toBe('host:h\nconstructor:\nmissing:\n');
    expect(canonicalHeaders({ a: '  x   y\t z  ' }, ['a'])).toBe('a:x y z\n');
  });
});

describe('x-amz-content-sha256 modes', () => {
  test.each([
    [undefined, 'absent', false],
    ['UNSIGNED-PAYLOAD', 'unsigned', false],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256', false],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'streaming-signed', true],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'streaming-signed-trailer', true],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'streaming-unsigned-trailer', true],
    ['STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER', 'streaming-ecdsa', false],
    ['e3b0c442', 'invalid', false],
  ] as const)('%s', (value, mode, chunked) => {
    expect(contentSha256Mode(value)).toBe(mode);
    expect(isAwsChunkedMode(contentSha256Mode(value))).toBe(chunked);
  });

  test('aws-chunked is removed from the stored Content-Encoding', () => {
    expect(storedContentEncoding('aws-chunked')).toBeUndefined();
    expect(storedContentEncoding('gzip, aws-chunked')).toBe('gzip');
    expect(storedContentEncoding('aws-chunked,gzip')).toBe('gzip');
    expect(storedContentEncoding(undefined)).toBeUndefined();
  });
});

test('x-amz-date must be a real instant in the basic ISO form', () => {
  expect(parseAmzDate('20130524T000000Z')?.toISOString()).toBe('2013-05-24T00:00:00.000Z');
  for (const bad of ['20130231T000000Z', '20130524T250000Z', '2013-05-24T00:00:00Z', '20130524T000000']) {
    expect(parseAmzDate(bad)).toBeUndefined();
  }
});

test('HTTP dates in the three RFC 7231 forms', () => {
  for (const text of ['Tue, 27 Mar 2007 19:36:42 +0000', 'Tuesday, 27-Mar-07 19:36:42 GMT', 'Tue Mar 27 19:36:42 2007']) {
    expect(parseHttpDate(text)?.toISOString()).toBe('2007-03-27T19:36:42.000Z');
  }
  expect(parseHttpDate('1175024202')).toBeUndefined();
});
