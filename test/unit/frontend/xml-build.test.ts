import { describe, expect, it } from 'vitest';
import { buildXml, escapeXml } from '../../../src/frontend/xml/build.js';
import { childElement, childElements, childText, parseXml } from '../../../src/frontend/xml/parse.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

describe('escapeXml', () => {
  it('escapes markup characters, quotes and carriage return', () => {
    expect(escapeXml('<')).toBe('&lt;');
    expect(escapeXml('>')).toBe('&gt;');
    expect(escapeXml('&')).toBe('&amp;');
    expect(escapeXml('"')).toBe('&quot;');
    expect(escapeXml("'")).toBe('&apos;');
    expect(escapeXml('\r')).toBe('&#13;');
    expect(escapeXml('a<b>&"c"\'d\r\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&#13;\n');
  });

  it('does not double-escape and leaves other text alone', () => {
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
    expect(escapeXml('plain text/with:colons é 😀\t\n')).toBe('plain text/with:colons é 😀\t\n');
    expect(escapeXml('')).toBe('');
  });
});

describe('buildXml', () => {
  it('writes the declaration and the root with the S3 namespace', () => {
    expect(buildXml('CreateBucketConfiguration', {})).toBe(`${DECL}<CreateBucketConfiguration xmlns="${NS}"></CreateBucketConfiguration>`);
  });

  it('writes the Error document without a namespace', () => {
    const xml = buildXml(
      'Error',
      { Code: 'NoSuchKey', Message: 'The specified key does not exist.', Key: 'a&b', RequestId: 'r1' },
      { namespace: false },
    );
    expect(xml).toBe(
      `${DECL}<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>r1</RequestId></Error>`,
    );
    expect(xml).not.toContain('xmlns');
  });

  it('namespace: true is the same as the default', () => {
    expect(buildXml('A', { B: 'x' }, { namespace: true })).toBe(buildXml('A', { B: 'x' }));
  });

  it('writes a string body as escaped root text (GetBucketLocation style)', () => {
    expect(buildXml('LocationConstraint', 'eu-west-1')).toBe(`${DECL}<LocationConstraint xmlns="${NS}">eu-west-1</LocationConstraint>`);
    expect(buildXml('LocationConstraint', '<&>')).toBe(`${DECL}<LocationConstraint xmlns="${NS}">&lt;&amp;&gt;</LocationConstraint>`);
    expect(buildXml('LocationConstraint', '')).toBe(`${DECL}<LocationConstraint xmlns="${NS}"></LocationConstraint>`);
  });

  it('keeps property order, nests objects and escapes values', () => {
    const xml = buildXml('ListBucketResult', {
      Name: 'b',
      Prefix: 'p<',
      Contents: { Key: 'k"1', Size: 3 },
      IsTruncated: false,
    });
    expect(xml).toBe(
      `${DECL}<ListBucketResult xmlns="${NS}"><Name>b</Name><Prefix>p&lt;</Prefix><Contents><Key>k&quot;1</Key><Size>3</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>`,
    );
  });

  it('writes arrays as repeated elements, and an empty array as nothing', () => {
    const xml = buildXml('R', { Contents: [{ Key: 'a' }, { Key: 'b' }], CommonPrefixes: [], Part: ['1', '2'] }, { namespace: false });
    expect(xml).toBe(`${DECL}<R><Contents><Key>a</Key></Contents><Contents><Key>b</Key></Contents><Part>1</Part><Part>2</Part></R>`);
  });

  it('omits undefined and null values, but keeps empty strings, zero and false', () => {
    const xml = buildXml('R', { A: undefined, B: null, C: '', D: 0, E: false }, { namespace: false });
    expect(xml).toBe(`${DECL}<R><C></C><D>0</D><E>false</E></R>`);
  });

  it('writes an empty object as an empty element', () => {
    expect(buildXml('R', { Owner: {} }, { namespace: false })).toBe(`${DECL}<R><Owner></Owner></R>`);
  });

  it('serialises dates as ISO 8601 UTC with milliseconds', () => {
    const xml = buildXml('R', { LastModified: new Date(Date.UTC(2009, 9, 12, 17, 50, 30)) }, { namespace: false });
    expect(xml).toBe(`${DECL}<R><LastModified>2009-10-12T17:50:30.000Z</LastModified></R>`);
    const withMs = buildXml('R', { D: new Date('2024-02-29T23:59:59.123+02:00') }, { namespace: false });
    expect(withMs).toContain('<D>2024-02-29T21:59:59.123Z</D>');
  });

  it('serialises numbers as decimal text', () => {
    expect(buildXml('R', { Size: 5368709120, MaxKeys: 1000 }, { namespace: false })).toBe(
      `${DECL}<R><Size>5368709120</Size><MaxKeys>1000</MaxKeys></R>`,
    );
  });

  it('escapes ETag quotes as S3 does', () => {
    expect(buildXml('R', { ETag: '"9b2cf535f27731c974343645a3985328"' }, { namespace: false })).toContain(
      '<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>',
    );
  });
});

describe('buildXml → parseXml round trips', () => {
  const awkwardKeys = [
    'plain.txt',
    'a&b<c>d"e\'f',
    'carriage\rreturn',
    'crlf\r\nline',
    'new\nline',
    'tab\there',
    '  leading and trailing  ',
    'café/日本語/😀',
    '&amp; already escaped',
    ']]>',
    '<![CDATA[x]]>',
    '',
  ];

  for (const key of awkwardKeys) {
    it(`round-trips ${JSON.stringify(key)}`, () => {
      const xml = buildXml('ListBucketResult', { Contents: { Key: key } });
      const root = parseXml(xml, 'ListBucketResult');
      expect(childText(childElement(root, 'Contents')!, 'Key')).toBe(key);
    });
  }

  it('round-trips a DeleteObjects-shaped document with repeated elements', () => {
    const objects = [{ Key: 'a', VersionId: 'v1' }, { Key: 'b&c' }, { Key: 'd\r' }];
    const xml = buildXml('Delete', { Object: objects, Quiet: true });
    const root = parseXml(xml, 'Delete');
    expect(childElements(root, 'Object').map((o) => ({ Key: childText(o, 'Key'), VersionId: childText(o, 'VersionId') }))).toEqual([
      { Key: 'a', VersionId: 'v1' },
      { Key: 'b&c', VersionId: undefined },
      { Key: 'd\r', VersionId: undefined },
    ]);
    expect(childText(root, 'Quiet')).toBe('true');
  });

  it('round-trips a date through its ISO form', () => {
    const when = new Date('2021-07-04T01:02:03.456Z');
    const root = parseXml(buildXml('R', { LastModified: when }), 'R');
    expect(new Date(childText(root, 'LastModified')!).getTime()).toBe(when.getTime());
  });

  it('round-trips the Error document', () => {
    const root = parseXml(buildXml('Error', { Code: 'InvalidRange', ActualObjectSize: 0 }, { namespace: false }), 'Error');
    expect(childText(root, 'Code')).toBe('InvalidRange');
    expect(childText(root, 'ActualObjectSize')).toBe('0');
  });
});
