import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { multipartEtag, parsePartNumber, resolveUploadChecksumMode, unquoteEtag } from '../../../src/s3/multipart.js';
import { thrown } from '../../helpers/errors.js';

describe('parsePartNumber', () => {
  it('accepts 1..10000', () => {
    expect(parsePartNumber('1')).toBe(1);
    expect(parsePartNumber('10000')).toBe(10000);
  });
  it.each(['0', '10001', '-1', '1.5', 'abc', '', ' 1', '0x10'])('refuses %j with AWS InvalidArgument', (value) => {
    const err = thrown(() => parsePartNumber(value));
    expect(err?.code).toBe('InvalidArgument');
    expect(err?.message).toBe('Part number must be an integer between 1 and 10000, inclusive');
    expect(err?.extra).toMatchObject({ ArgumentName: 'partNumber', ArgumentValue: value });
  });
  it('refuses a missing value', () => expect(thrown(() => parsePartNumber(null))?.code).toBe('InvalidArgument'));
});

describe('multipartEtag', () => {
  it('is the MD5 of the concatenated binary part MD5s, then -N', () => {
    const parts = [Buffer.from('first part'), Buffer.from('second'), Buffer.from('3')];
    const md5s = parts.map((p) => createHash('md5').update(p).digest());
    const expected = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3`;
    expect(multipartEtag(md5s.map((m) => m.toString('hex')))).toBe(expected);
  });
  it('a single part still gets -1', () => {
    const md5 = createHash('md5').update('x').digest();
    expect(multipartEtag([md5.toString('hex')])).toBe(`${createHash('md5').update(md5).digest('hex')}-1`);
  });
});

describe('unquoteEtag', () => {
  it('strips quotes when present', () => {
    expect(unquoteEtag('"abc"')).toBe('abc');
    expect(unquoteEtag('abc')).toBe('abc');
    expect(unquoteEtag(' "abc" ')).toBe('abc');
  });
});

describe('resolveUploadChecksumMode', () => {
  it('has no checksum without an algorithm', () => expect(resolveUploadChecksumMode(undefined, undefined)).toEqual({}));
  it.each([
    ['CRC32', undefined, 'COMPOSITE'],
    ['CRC32C', undefined, 'COMPOSITE'],
    ['SHA1', undefined, 'COMPOSITE'],
    ['SHA256', undefined, 'COMPOSITE'],
    ['CRC64NVME', undefined, 'FULL_OBJECT'],
    ['CRC32', 'FULL_OBJECT', 'FULL_OBJECT'],
    ['CRC32C', 'FULL_OBJECT', 'FULL_OBJECT'],
    ['crc32', 'composite', 'COMPOSITE'],
    ['CRC64NVME', 'FULL_OBJECT', 'FULL_OBJECT'],
  ])('%s + %s → %s', (algorithm, type, expected) => {
    expect(resolveUploadChecksumMode(algorithm, type)).toEqual({ algorithm: algorithm.toUpperCase(), type: expected });
  });
  it.each([
    ['SHA1', 'FULL_OBJECT'],
    ['SHA256', 'FULL_OBJECT'],
    ['CRC64NVME', 'COMPOSITE'],
    ['MD5', undefined],
    ['CRC32', 'PARTIAL'],
    [undefined, 'FULL_OBJECT'],
  ])('refuses %s + %s with InvalidRequest', (algorithm, type) => {
    expect(thrown(() => resolveUploadChecksumMode(algorithm, type))?.code).toBe('InvalidRequest');
  });
});
