import { describe, expect, it } from 'vitest';
import { isWithin, joinInside, keyToPath, prefixDirectorySegments } from '../../../src/backends/local/paths.js';
import { isS3Error } from '../../../src/s3/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isS3Error(err) ? err.code : 'not-an-S3Error';
  }
}

describe('local backend: key ↔ path mapping', () => {
  it('splits keys into path segments; a trailing slash makes a folder object', () => {
    expect(keyToPath('a/b/c.txt')).toEqual({ key: 'a/b/c.txt', segments: ['a', 'b', 'c.txt'], isFolderObject: false });
    expect(keyToPath('a/b/')).toEqual({ key: 'a/b/', segments: ['a', 'b'], isFolderObject: true });
    expect(keyToPath('.cairn').segments).toEqual(['.cairn']);
    expect(keyToPath('..hidden/...').segments).toEqual(['..hidden', '...']);
  });

  it('refuses keys no file system path can hold, or that would escape', () => {
    expect(codeOf(() => keyToPath('/etc/passwd'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('a//b'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('a/b//'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('/'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('../x'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('a/./x'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('a\\..\\x'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath('nul\u0000'))).toBe('InvalidArgument');
    expect(codeOf(() => keyToPath(`${'é'.repeat(128)}`))).toBe('KeyTooLongError'); // 256 bytes in one segment
    expect(codeOf(() => keyToPath(`${'é'.repeat(127)}x`))).toBeUndefined(); // 255 bytes
    expect(codeOf(() => keyToPath(''))).toBe('InvalidArgument');
  });

  it('checks containment lexically as defence in depth', () => {
    expect(isWithin('/r/b', '/r/b/x')).toBe(true);
    expect(isWithin('/r/b', '/r/bx')).toBe(false);
    expect(isWithin('/r/b', '/r')).toBe(false);
    expect(joinInside('/r/b', ['x', 'y'])).toBe('/r/b/x/y');
    expect(codeOf(() => joinInside('/r/b', ['..', 'c']))).toBe('AccessDenied');
    expect(codeOf(() => joinInside('/r/b', ['/etc']))).toBe('AccessDenied');
  });

  it('finds the directory a listing prefix pins down', () => {
    expect(prefixDirectorySegments('')).toEqual([]);
    expect(prefixDirectorySegments('abc')).toEqual([]);
    expect(prefixDirectorySegments('a/b/c')).toEqual(['a', 'b']);
    expect(prefixDirectorySegments('a/b/')).toEqual(['a', 'b']);
    expect(prefixDirectorySegments('a//b')).toBeUndefined();
    expect(prefixDirectorySegments('../x')).toBeUndefined();
  });
});
