import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, assertValidBucketName, assertValidObjectKey, bucketNameProblem } from '../../../src/s3/names.js';
import { thrown } from '../../helpers/errors.js';


const valid = (name: string) => expect(bucketNameProblem(name), name).toBeUndefined();
const invalid = (name: string) => expect(bucketNameProblem(name), name).toEqual(expect.any(String));

describe('bucket names (AWS general purpose bucket naming rules)', () => {
  it('accepts AWS’s example names', () => {
    for (const name of ['docexamplebucket1', 'log-delivery-march-2020', 'my-hosted-content', 'docexamplewebsite.com', 'www.docexamplewebsite.com', 'my.example.s3.bucket']) {
      valid(name);
    }
  });

  it('rejects AWS’s example invalid names', () => {
    for (const name of ['doc_example_bucket', 'DocExampleBucket', 'doc-example-bucket-']) invalid(name);
  });

  it('must be between 3 and 63 characters long', () => {
    invalid('');
    invalid('a');
    invalid('ab');
    valid('abc');
    valid('a'.repeat(63));
    invalid('a'.repeat(64));
    valid(`a${'-'.repeat(61)}b`);
  });

  it('may contain only lowercase letters, numbers, periods and hyphens', () => {
    valid('abc-123.def');
    for (const name of ['Abc', 'abC', 'ab_c', 'ab c', 'ab/c', 'ab:c', 'abc!', 'ab+c', 'abé', 'ab~c']) invalid(name);
  });

  it('must begin and end with a letter or number', () => {
    valid('1bc');
    valid('ab1');
    for (const name of ['-abc', 'abc-', '.abc', 'abc.', '-ab-', '.a.']) invalid(name);
  });

  it('must not contain two adjacent periods', () => {
    invalid('a..b');
    invalid('my..bucket');
    valid('a.b.c');
  });

  it('must not be formatted as an IP address', () => {
    invalid('192.168.5.4');
    invalid('10.0.0.1');
    invalid('255.255.255.255');
    invalid('999.999.999.999');
    valid('192.168.5');
    valid('192.168.5.4.5');
    valid('192.168.5.a');
  });

  it('must not start with the reserved prefixes xn--, sthree- (incl. sthree-configurator) and amzn-s3-demo-', () => {
    invalid('xn--bucket');
    invalid('sthree-bucket');
    invalid('sthree-configurator-x');
    invalid('amzn-s3-demo-bucket');
    valid('xn-bucket');
    valid('sthree');
    valid('sthreebucket');
    valid('amzn-s3-demo');
    valid('bucket-xn--x');
  });

  it('must not end with the reserved suffixes -s3alias, --ol-s3, .mrap, --x-s3', () => {
    invalid('bucket-s3alias');
    invalid('bucket--ol-s3');
    invalid('bucket.mrap');
    invalid('bucket--usw2-az1--x-s3');
    valid('bucket-s3aliases');
    valid('bucket-ol-s3');
    valid('bucket-mrap');
    valid('bucket-x-s3');
  });

  it('must not end with the reserved suffix --table-s3 (S3 Tables)', () => {
    invalid('bucket--table-s3');
    valid('bucket-table-s3');
  });

  it('also refuses a period next to a hyphen (cairn: the older DNS-compatible naming rule)', () => {
    invalid('my-.bucket');
    invalid('my.-bucket');
  });

  it('assertValidBucketName throws InvalidBucketName (400) naming the bucket', () => {
    expect(thrown(() => assertValidBucketName('good-name'))).toBeUndefined();
    const err = thrown(() => assertValidBucketName('Bad_Name'));
    expect(err?.code).toBe('InvalidBucketName');
    expect(err?.status).toBe(400);
    expect(err?.extra).toEqual({ BucketName: 'Bad_Name' });
    expect(err?.message).toBe(bucketNameProblem('Bad_Name'));
  });
});

describe('object keys', () => {
  const keyError = (key: string) => thrown(() => assertValidObjectKey(key));

  it('accepts ordinary keys, including S3’s "special handling" characters', () => {
    for (const key of [
      'a',
      'photos/2006/February/sample.jpg',
      'my file.txt',
      'a+b=c&d;e,f:g@h$i',
      'dir/',
      '/leading-slash',
      'a//b',
      '...',
      '.hidden',
      'a.',
      'a..b',
      '..a',
      'a/.b/c..',
      'café/日本語/😀',
      '{}^%`[]"<>~#|',
    ]) {
      expect(keyError(key), JSON.stringify(key)).toBeUndefined();
    }
  });

  it('rejects the empty key', () => {
    expect(keyError('')?.code).toBe('InvalidArgument');
  });

  it('allows exactly 1024 UTF-8 bytes and rejects 1025, counting bytes not characters', () => {
    expect(MAX_KEY_BYTES).toBe(1024);
    expect(keyError('a'.repeat(1024))).toBeUndefined();
    expect(keyError('é'.repeat(512))).toBeUndefined(); // 2 bytes each
    expect(keyError('😀'.repeat(256))).toBeUndefined(); // 4 bytes each, 512 UTF-16 units
    expect(keyError('€'.repeat(341))).toBeUndefined(); // 1023 bytes

    for (const key of ['a'.repeat(1025), `${'é'.repeat(512)}a`, 'é'.repeat(513), '€'.repeat(342), `${'😀'.repeat(256)}a`]) {
      const err = keyError(key);
      expect(err?.code, `${key.length} chars`).toBe('KeyTooLongError');
      expect(err?.status).toBe(400);
      expect(err?.extra.MaxSizeAllowed).toBe('1024');
      expect(err?.extra.Size).toBe(String(Buffer.byteLength(key)));
    }
  });

  it('a 600-character key of 2-byte characters is too long even though it has fewer than 1024 characters', () => {
    expect(keyError('ü'.repeat(600))?.code).toBe('KeyTooLongError');
  });

  it('rejects C0 control characters other than tab, newline and carriage return', () => {
    for (let c = 0; c < 0x20; c++) {
      const key = `a${String.fromCharCode(c)}b`;
      if (c === 0x09 || c === 0x0a || c === 0x0d) expect(keyError(key), `U+${c.toString(16)}`).toBeUndefined();
      else expect(keyError(key)?.code, `U+${c.toString(16)}`).toBe('InvalidArgument');
    }
    expect(keyError('\u0000')?.extra).toEqual({ ArgumentName: 'key' });
  });

  it('rejects "." and ".." path segments split on both / and \\', () => {
    for (const key of ['.', '..', './a', '../a', 'a/.', 'a/..', 'a/./b', 'a/../b', 'a/b/..', '.\\a', '..\\a', 'a\\.', 'a\\..\\b', 'a/..\\b', 'a\\./b', '/..', '//./']) {
      const err = keyError(key);
      expect(err?.code, key).toBe('InvalidArgument');
      expect(err?.extra).toEqual({ ArgumentName: 'key' });
    }
  });

  it('checks length before content', () => {
    expect(keyError(`\u0000${'a'.repeat(1024)}`)?.code).toBe('KeyTooLongError');
  });
});
