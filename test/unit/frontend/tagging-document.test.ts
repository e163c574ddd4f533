import { describe, expect, it } from 'vitest';
import { parseTaggingDocument, taggingDocument } from '../../../src/frontend/handlers/tagging.js';
import { thrown } from '../../helpers/errors.js';

const doc = (tagSet: string) => `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${tagSet}</Tagging>`;

describe('the Tagging document', () => {
  it('reads tags in document order, keeping spaces and decoding entities', () => {
    const text = doc('<TagSet><Tag><Key>b key</Key><Value> 2 </Value></Tag><Tag><Key>a</Key><Value>x&amp;y</Value></Tag></TagSet>');
    expect(parseTaggingDocument(text)).toEqual([
      { key: 'b key', value: ' 2 ' },
      { key: 'a', value: 'x&y' },
    ]);
  });

  it('reads an empty TagSet as no tags, with or without the namespace', () => {
    expect(parseTaggingDocument(doc('<TagSet/>'))).toEqual([]);
    expect(parseTaggingDocument('<Tagging><TagSet></TagSet></Tagging>')).toEqual([]);
  });

  it('takes an empty Value as the empty string', () => {
    expect(parseTaggingDocument(doc('<TagSet><Tag><Key>k</Key><Value/></Tag></TagSet>'))).toEqual([{ key: 'k', value: '' }]);
  });

  it('is MalformedXML without TagSet, Key or Value, with a repeated Key, a wrong root or broken XML', () => {
    for (const text of [
      doc(''),
      doc('<TagSet><Tag><Key>k</Key></Tag></TagSet>'),
      doc('<TagSet><Tag><Value>v</Value></Tag></TagSet>'),
      doc('<TagSet><Tag><Key>k</Key><Key>j</Key><Value>v</Value></Tag></TagSet>'),
      doc('<TagSet/><TagSet/>'),
      '<Tags><TagSet/></Tags>',
      '<Tagging><TagSet>',
      '',
    ]) {
      expect(thrown(() => parseTaggingDocument(text))?.code, text).toBe('MalformedXML');
    }
  });

  it('leaves the tag rules to the caller: a bad key still parses', () => {
    expect(parseTaggingDocument(doc('<TagSet><Tag><Key>aws:x</Key><Value>v</Value></Tag></TagSet>'))).toEqual([{ key: 'aws:x', value: 'v' }]);
  });

  it('serialises to the namespaced document that parses back to the same tags', () => {
    const tags = [
      { key: 'b', value: '<&>' },
      { key: 'a', value: '' },
    ];
    const xml = taggingDocument(tags);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>b</Key><Value>&lt;&amp;&gt;</Value></Tag><Tag><Key>a</Key><Value></Value></Tag></TagSet></Tagging>',
    );
    expect(parseTaggingDocument(xml)).toEqual(tags);
    expect(taggingDocument([])).toContain('<TagSet></TagSet>');
  });
});
