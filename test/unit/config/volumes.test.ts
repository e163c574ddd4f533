import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { expandEllipsis, expandVolumes, MAX_VOLUMES, splitVolumeList } from '../../../src/config/volumes.js';

describe('expandEllipsis', () => {
  it('leaves a pattern without ranges alone', () => {
    expect(expandEllipsis('/data')).toEqual(['/data']);
  });

  it('expands a trailing range', () => {
    expect(expandEllipsis('/data/d{1...6}')).toEqual(['/data/d1', '/data/d2', '/data/d3', '/data/d4', '/data/d5', '/data/d6']);
  });

  it('expands a range in the middle of a path', () => {
    expect(expandEllipsis('/mnt/disk{1...4}/cairn')).toEqual(['/mnt/disk1/cairn', '/mnt/disk2/cairn', '/mnt/disk3/cairn', '/mnt/disk4/cairn']);
  });

  it('takes the cartesian product of several ranges, leftmost slowest', () => {
    expect(expandEllipsis('/mnt/d{1...2}/x{1...3}')).toEqual([
      '/mnt/d1/x1', '/mnt/d1/x2', '/mnt/d1/x3', '/mnt/d2/x1', '/mnt/d2/x2', '/mnt/d2/x3',
    ]);
  });

  it('keeps the width of zero-padded ranges', () => {
    const paths = expandEllipsis('/d{01...16}');
    expect(paths).toHaveLength(16);
    expect(paths[0]).toBe('/d01');
    expect(paths[8]).toBe('/d09');
    expect(paths[15]).toBe('/d16');
    expect(expandEllipsis('/d{001...3}')).toEqual(['/d001', '/d002', '/d003']);
  });

  it('does not pad ranges written without leading zeros', () => {
    expect(expandEllipsis('/d{8...10}')).toEqual(['/d8', '/d9', '/d10']);
  });

  it('accepts a one-element range', () => {
    expect(expandEllipsis('/d{3...3}')).toEqual(['/d3']);
  });

  it.each([
    ['/d{6...1}', /runs backwards/],
    ['/d{1..6}', /malformed range \{1\.\.6\}/],
    ['/d{1...}', /malformed range/],
    ['/d{a...c}', /malformed range/],
    ['/d{}', /malformed range/],
    ['/d{1...4', /unbalanced brace/],
    ['/d1...4}', /unbalanced brace/],
    ['/d{{1...4}}', /unbalanced brace/],
    ['/d{1...99999}', new RegExp(`more than ${MAX_VOLUMES}`)],
    ['/a{1...100}/b{1...100}', new RegExp(`more than ${MAX_VOLUMES}`)],
  ])('refuses %s', (pattern, message) => {
    expect(() => expandEllipsis(pattern)).toThrow(ConfigError);
    expect(() => expandEllipsis(pattern)).toThrow(message);
  });
});

describe('splitVolumeList', () => {
  it('splits on spaces, commas and both', () => {
    expect(splitVolumeList('/a /b,/c ,  /d{1...2}')).toEqual(['/a', '/b', '/c', '/d{1...2}']);
    expect(splitVolumeList('  ')).toEqual([]);
  });
});

describe('expandVolumes', () => {
  it('resolves relative paths against cwd', () => {
    expect(expandVolumes(['./data', 'd{1...2}', '/abs'], '/srv')).toEqual(['/srv/data', '/srv/d1', '/srv/d2', '/abs']);
  });

  it('refuses URLs (single node only)', () => {
    expect(() => expandVolumes(['http://host{1...4}/data'], '/')).toThrow(/is a URL/);
  });

  it('refuses the same directory twice, also after resolution', () => {
    expect(() => expandVolumes(['/a', '/a'], '/')).toThrow(/\/a is listed more than once/);
    expect(() => expandVolumes(['/srv/a', 'a'], '/srv')).toThrow(/listed more than once/);
  });

  it('refuses an empty list or an empty path', () => {
    expect(() => expandVolumes([], '/')).toThrow(/no volume given/);
    expect(() => expandVolumes([''], '/')).toThrow(/empty/);
  });
});
