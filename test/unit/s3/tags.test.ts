import { describe, expect, it } from 'vitest';
import type { S3Error } from '../../../src/s3/errors.js';
import {
  MAX_BUCKET_TAGS,
  MAX_OBJECT_TAGS,
  parseTaggingHeader,
  taggingCountHeader,
  taggingHeaderValue,
  validateTags,
} from '../../../src/s3/tags.js';
import type { Tag } from '../../../src/s3/types.js';
import { thrown as thrownOrUndefined } from '../../helpers/errors.js';

function thrown(fn: () => void): S3Error {
  const err = thrownOrUndefined(fn);
  if (!err) throw new Error('expected an S3Error');
  return err;
}

const tagsOf = (n: number): Tag[] => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
const HEADER_MESSAGE = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

describe('validateTags: count', () => {
  it('allows up to 10 tags on an object and answers BadRequest for 11', () => {
    expect(() => validateTags(tagsOf(10), MAX_OBJECT_TAGS)).not.toThrow();
    const err = thrown(() => validateTags(tagsOf(11), MAX_OBJECT_TAGS));
    expect([err.code, err.status, err.message]).toEqual(['BadRequest', 400, 'Object tags cannot be greater than 10']);
  });

  it('allows up to 50 tags on a bucket and answers BadRequest for 51', () => {
    expect(() => validateTags(tagsOf(50), MAX_BUCKET_TAGS)).not.toThrow();
    const err = thrown(() => validateTags(tagsOf(51), MAX_BUCKET_TAGS));
    expect([err.code, err.status, err.message]).toEqual(['BadRequest', 400, 'Bucket tag count cannot be greater than 50']);
  });

  it('allows an empty set', () => {
    expect(() => validateTags([], MAX_OBJECT_TAGS)).not.toThrow();
  });

  it('checks every tag before the count, as S3 does', () => {
    const tags = [...tagsOf(11), { key: 'bad!', value: 'v' }];
    expect(thrown(() => validateTags(tags, MAX_OBJECT_TAGS)).code).toBe('InvalidTag');
  });
});

describe('validateTags: keys', () => {
  it('accepts 1 to 128 characters and refuses 0 or 129 with InvalidTag naming the key', () => {
    expect(() => validateTags([{ key: 'a', value: '' }], MAX_OBJECT_TAGS)).not.toThrow();
    expect(() => validateTags([{ key: 'k'.repeat(128), value: 'v' }], MAX_OBJECT_TAGS)).not.toThrow();
    for (const key of ['', 'k'.repeat(129)]) {
      const err = thrown(() => validateTags([{ key, value: 'v' }], MAX_OBJECT_TAGS));
      expect([err.code, err.status, err.message]).toEqual(['InvalidTag', 400, 'The TagKey you have provided is invalid']);
      expect(err.extra).toEqual({ TagKey: key });
    }
  });

  it('counts UTF-16 code units, as S3 stores tags: 64 astral characters fill a key', () => {
    expect(() => validateTags([{ key: '𝒜'.repeat(64), value: 'v' }], MAX_OBJECT_TAGS)).not.toThrow();
    expect(thrown(() => validateTags([{ key: '𝒜'.repeat(65), value: 'v' }], MAX_OBJECT_TAGS)).code).toBe('InvalidTag');
    expect(() => validateTags([{ key: 'é'.repeat(128), value: 'v' }], MAX_OBJECT_TAGS)).not.toThrow();
  });

  it('accepts Unicode letters, numbers, spaces and _ . : / = + - @', () => {
    for (const key of ['Project', 'cost center', 'a_b.c:d/e=f+g-h@i', 'Ünïcødé', '日本語', '١٢٣', 'x\u00a0y']) {
      expect(() => validateTags([{ key, value: 'v' }], MAX_OBJECT_TAGS), key).not.toThrow();
    }
  });

  it('refuses other characters', () => {
    for (const key of ['a&b', 'a?b', 'a*b', 'a#b', 'a,b', '[x]', 'tab\there', 'nl\nx', 'a"b', 'a<b', 'a%b', 'emoji😀']) {
      const err = thrown(() => validateTags([{ key, value: 'v' }], MAX_OBJECT_TAGS));
      expect([err.code, err.message], key).toEqual(['InvalidTag', 'The TagKey you have provided is invalid']);
    }
  });

  it('reserves the aws: prefix in any case', () => {
    for (const key of ['aws:createdBy', 'AWS:x', 'Aws:x']) {
      const err = thrown(() => validateTags([{ key, value: 'v' }], MAX_OBJECT_TAGS));
      expect([err.code, err.message], key).toEqual(['InvalidTag', 'Your TagKey cannot be prefixed with aws:']);
      expect(err.extra).toEqual({ TagKey: key });
    }
    expect(() => validateTags([{ key: 'aws', value: 'v' }, { key: 'x-aws:y', value: 'aws:z' }], MAX_OBJECT_TAGS)).not.toThrow();
  });

  it('refuses a repeated key and treats keys as case-sensitive', () => {
    const err = thrown(() => validateTags([{ key: 'k', value: '1' }, { key: 'k', value: '2' }], MAX_OBJECT_TAGS));
    expect([err.code, err.message]).toEqual(['InvalidTag', 'Cannot provide multiple Tags with the same key']);
    expect(err.extra).toEqual({ TagKey: 'k' });
    expect(() => validateTags([{ key: 'k', value: '1' }, { key: 'K', value: '2' }], MAX_OBJECT_TAGS)).not.toThrow();
  });
});

describe('validateTags: values', () => {
  it('accepts 0 to 256 characters and refuses 257 with InvalidTag naming the tag', () => {
    expect(() => validateTags([{ key: 'k', value: '' }], MAX_OBJECT_TAGS)).not.toThrow();
    expect(() => validateTags([{ key: 'k', value: 'v'.repeat(256) }], MAX_OBJECT_TAGS)).not.toThrow();
    const long = 'v'.repeat(257);
    const err = thrown(() => validateTags([{ key: 'k', value: long }], MAX_OBJECT_TAGS));
    expect([err.code, err.status, err.message]).toEqual(['InvalidTag', 400, 'The TagValue you have provided is invalid']);
    expect(err.extra).toEqual({ TagKey: 'k', TagValue: long });
  });

  it('uses the key’s character set', () => {
    expect(() => validateTags([{ key: 'k', value: 'a b_c.d:e/f=g+h-i@j Ü 7' }], MAX_OBJECT_TAGS)).not.toThrow();
    expect(thrown(() => validateTags([{ key: 'k', value: 'inv&alid' }], MAX_OBJECT_TAGS)).message).toBe('The TagValue you have provided is invalid');
  });

  it('allows the aws: prefix in a value', () => {
    expect(() => validateTags([{ key: 'k', value: 'aws:thing' }], MAX_OBJECT_TAGS)).not.toThrow();
  });
});

describe('parseTaggingHeader', () => {
  it('is undefined without a header and empty for an empty one', () => {
    expect(parseTaggingHeader(undefined)).toBeUndefined();
    expect(parseTaggingHeader('')).toEqual([]);
  });

  it('reads URL query pairs in the order sent', () => {
    expect(parseTaggingHeader('tag1=value1&tag2=value2')).toEqual([
      { key: 'tag1', value: 'value1' },
      { key: 'tag2', value: 'value2' },
    ]);
  });

  it('percent-decodes as UTF-8 and reads + as a space', () => {
    expect(parseTaggingHeader('cost%20center=a%2Bb&name=caf%C3%A9+bar&eq=a%3Db')).toEqual([
      { key: 'cost center', value: 'a+b' },
      { key: 'name', value: 'café bar' },
      { key: 'eq', value: 'a=b' },
    ]);
  });

  it('gives a key without = the empty value', () => {
    expect(parseTaggingHeader('foo=bar&bar')).toEqual([
      { key: 'foo', value: 'bar' },
      { key: 'bar', value: '' },
    ]);
  });

  it('skips empty pairs', () => {
    expect(parseTaggingHeader('a=1&&b=2&')).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
  });

  it('answers InvalidArgument for the header’s own faults: repeated key, empty key, a second =, bad encoding', () => {
    for (const header of ['a=&a=', 'k=1&k=2', '=', '=v', 'TagSet=[{Key=string,Value=string}]', 'k=%zz', 'k=%C3', 'k=%FF']) {
      const err = thrown(() => parseTaggingHeader(header));
      expect([err.code, err.status, err.message], header).toEqual(['InvalidArgument', 400, HEADER_MESSAGE]);
      expect(err.extra, header).toEqual({ ArgumentName: 'x-amz-tagging', ArgumentValue: header });
    }
  });

  it('applies the object tag rules to what it decoded', () => {
    expect(thrown(() => parseTaggingHeader('TagSet%3D%5B%7BKey%3Dstring%7D%5D')).message).toBe('The TagKey you have provided is invalid');
    expect(thrown(() => parseTaggingHeader(`k=${'v'.repeat(257)}`)).message).toBe('The TagValue you have provided is invalid');
    expect(thrown(() => parseTaggingHeader('aws%3Aname=v')).message).toBe('Your TagKey cannot be prefixed with aws:');
    const eleven = tagsOf(11).map((t) => `${t.key}=${t.value}`).join('&');
    expect(thrown(() => parseTaggingHeader(eleven)).code).toBe('BadRequest');
    expect(parseTaggingHeader(tagsOf(10).map((t) => `${t.key}=${t.value}`).join('&'))).toHaveLength(10);
  });
});

describe('taggingHeaderValue', () => {
  it('round-trips through parseTaggingHeader', () => {
    const tags = [
      { key: 'cost center', value: 'a+b=c' },
      { key: 'ü/@:.', value: '' },
      { key: 'k', value: '日本' },
    ];
    const header = taggingHeaderValue(tags);
    expect(header).toBe('cost%20center=a%2Bb%3Dc&%C3%BC%2F%40%3A.=&k=%E6%97%A5%E6%9C%AC');
    expect(parseTaggingHeader(header)).toEqual(tags);
  });
});

describe('taggingCountHeader', () => {
  it('is present only when the object has tags', () => {
    expect(taggingCountHeader(undefined)).toBeUndefined();
    expect(taggingCountHeader([])).toBeUndefined();
    expect(taggingCountHeader(tagsOf(3))).toBe('3');
  });
});
