/**
 * AWS's SigV4 test suite ("aws-sig-v4-test-suite": AKIDEXAMPLE, service
 * "service", us-east-1, 20150830T123600Z), run through the canonical-request,
 * string-to-sign and signing-key pieces. The suite's "normalized" path cases
 * do not apply to S3, which never normalises; the "unnormalized" ones do.
 */
import { describe, expect, test } from 'vitest';
import { EMPTY_SHA256, sha256Hex } from '../../../src/iam/crypto-util.js';
import { canonicalRequest, credentialScope, stringToSign } from '../../../src/iam/sigv4-canonical.js';
import { deriveSigningKey, signHex } from '../../../src/iam/signing-key.js';
import { parseQuery } from '../../../src/iam/uri-encoding.js';
import { rawQueryOf } from './helpers.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20150830T123600Z';
const SCOPE = credentialScope('20150830', 'us-east-1', 'service');

interface Vector {
  name: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  signature: string;
}

const vectors: Vector[] = [
  { name: 'get-vanilla', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
  { name: 'get-vanilla-empty-query-key', query: { Param1: 'value1' }, signature: 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb' },
  { name: 'get-vanilla-query-order-key-case', query: { Param2: 'value2', Param1: 'value1' }, signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
  {
    name: 'get-vanilla-query-unreserved',
    query: { '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz': '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' },
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  { name: 'get-vanilla-utf8-query', query: { 'ሴ': 'bar' }, signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04' },
  { name: 'get-unreserved', path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f' },
  { name: 'get-utf8', path: '/ሴ', signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85' },
  { name: 'get-space-unnormalized', path: '/example space/', signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741' },
  { name: 'get-slashes-unnormalized', path: '//example//', signature: '87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5' },
  { name: 'get-header-key-duplicate', headers: { 'my-header1': 'value2,value2,value1' }, signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea' },
  { name: 'get-header-value-order', headers: { 'my-header1': 'value4,value1,value3,value2' }, signature: '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01' },
  { name: 'get-header-value-trim', headers: { 'my-header1': ' value1', 'my-header2': ' "a   b   c"' }, signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736' },
  { name: 'post-vanilla', method: 'POST', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
  { name: 'post-vanilla-query', method: 'POST', query: { Param1: 'value1' }, signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11' },
  { name: 'post-vanilla-query-space', method: 'POST', query: { p: '' }, signature: 'e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b' },
  {
    name: 'post-vanilla-query-nonunreserved',
    method: 'POST',
    query: { '@#$%^': '', '+': '/,?><`";:\\|][{}' },
    signature: '66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e',
  },
  { name: 'post-header-key-sort', method: 'POST', headers: { 'my-header1': 'value1' }, signature: 'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c' },
  { name: 'post-header-value-case', method: 'POST', headers: { 'my-header1': 'VALUE1' }, signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d' },
  {
    name: 'post-x-www-form-urlencoded',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Param1=value1',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
  {
    name: 'post-x-www-form-urlencoded-parameters',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' },
    body: 'Param1=value1',
    signature: '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe',
  },
];

function sign(v: Vector): { canonical: string; signature: string } {
  const headers: Record<string, string> = { host: 'example.amazonaws.com', 'x-amz-date': AMZ_DATE, ...v.headers };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: v.method ?? 'GET',
    rawPath: v.path ?? '/',
    query: parseQuery(rawQueryOf(v.query ?? {})),
    headers,
    signedHeaders,
    payloadHash: v.body === undefined ? EMPTY_SHA256 : sha256Hex(v.body),
  });
  const key = deriveSigningKey(SECRET, '20150830', 'us-east-1', 'service');
  return { canonical, signature: signHex(key, stringToSign(AMZ_DATE, SCOPE, canonical)) };
}

describe('aws-sig-v4-test-suite', () => {
  test.each(vectors)('$name', (v) => {
    expect(sign(v).signature).toBe(v.signature);
  });

  test('get-vanilla canonical request and string to sign, step by step', () => {
    const { canonical } = sign(vectors[0]);
    expect(canonical).toBe(
      'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' + EMPTY_SHA256,
    );
    expect(stringToSign(AMZ_DATE, SCOPE, canonical)).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
  });

  test('get-space-unnormalized encodes the space once, keeping the trailing slash', () => {
    const { canonical } = sign(vectors.find((v) => v.name === 'get-space-unnormalized')!);
    expect(canonical.split('\n')[1]).toBe('/example%20space/');
    expect(sha256Hex(canonical)).toBe('63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86');
  });

  test('the suite paths give the same canonical URI whether the client encoded them or not', () => {
    const encoded = sign({ name: 'x', path: '/%E1%88%B4', signature: '' });
    const lowerHex = sign({ name: 'x', path: '/%e1%88%b4', signature: '' });
    expect(encoded.signature).toBe('8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85');
    expect(lowerHex.signature).toBe(encoded.signature);
  });
});
