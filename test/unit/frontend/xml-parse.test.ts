import { describe, expect, it } from 'vitest';
import { childElement, childElements, childText, parseXml, type XmlElement } from '../../../src/frontend/xml/parse.js';
import { isS3Error } from '../../../src/s3/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isS3Error(err) ? err.code : `not-an-S3Error: ${String(err)}`;
  }
}

/** Text of the single <Key> inside <Delete><Object>…</Object></Delete>. */
function keyText(inner: string): string | undefined {
  const root = parseXml(`<Delete><Object><Key>${inner}</Key></Object></Delete>`, 'Delete');
  return childText(childElement(root, 'Object')!, 'Key');
}

const DELETE_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Object>
    <Key>sample1.txt</Key>
  </Object>
  <Object>
    <Key>sample2.txt</Key>
    <VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId>
  </Object>
  <Quiet>true</Quiet>
</Delete>`;

describe('parseXml: structure', () => {
  it('reads an S3 DeleteObjects body', () => {
    const root = parseXml(DELETE_EXAMPLE, 'Delete');
    expect(root.name).toBe('Delete');
    const objects = childElements(root, 'Object');
    expect(objects.map((o) => childText(o, 'Key'))).toEqual(['sample1.txt', 'sample2.txt']);
    expect(objects.map((o) => childText(o, 'VersionId'))).toEqual([undefined, 'OYcLXagmS.WaD..oyH4KRguB95_YhLs7']);
    expect(childText(root, 'Quiet')).toBe('true');
  });

  it('keeps element text exactly, including surrounding whitespace', () => {
    expect(keyText('  spaced  ')).toBe('  spaced  ');
    expect(keyText('')).toBe('');
    expect(childText(parseXml('<A><Key/></A>', 'A'), 'Key')).toBe('');
  });

  it('does not convert values: numbers and booleans stay strings', () => {
    const root = parseXml('<A><N>007</N><B>TRUE</B><F>1e3</F></A>', 'A');
    expect(childText(root, 'N')).toBe('007');
    expect(childText(root, 'B')).toBe('TRUE');
    expect(childText(root, 'F')).toBe('1e3');
  });

  it('ignores attributes, comments and the XML declaration', () => {
    const root = parseXml('<?xml version="1.0"?><!-- hi --><A id="1"><!-- c --><B x="y">v</B></A>', 'A');
    expect([...root.children.keys()]).toEqual(['B']);
    expect(childText(root, 'B')).toBe('v');
  });

  it('childElements returns [] and childElement/childText undefined for a missing element', () => {
    const root = parseXml('<A><B>x</B></A>', 'A');
    expect(childElements(root, 'C')).toEqual([]);
    expect(childElement(root, 'C')).toBeUndefined();
    expect(childText(root, 'C')).toBeUndefined();
  });

  it('element names are case-sensitive', () => {
    const root = parseXml('<A><key>x</key></A>', 'A');
    expect(childText(root, 'Key')).toBeUndefined();
    expect(childText(root, 'key')).toBe('x');
    expect(codeOf(() => parseXml('<delete/>', 'Delete'))).toBe('MalformedXML');
  });

  it('a repeated element read via childElement (or childText) is MalformedXML', () => {
    const root = parseXml('<A><Quiet>true</Quiet><Quiet>false</Quiet></A>', 'A');
    expect(codeOf(() => childElement(root, 'Quiet'))).toBe('MalformedXML');
    expect(codeOf(() => childText(root, 'Quiet'))).toBe('MalformedXML');
    expect(childElements(root, 'Quiet').map((e) => e.text)).toEqual(['true', 'false']);
  });
});

describe('parseXml: namespaces', () => {
  it('reads prefixed tags by local name', () => {
    const text = `<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
      <s3:Object><s3:Key>k1</s3:Key></s3:Object>
      <s3:Quiet>false</s3:Quiet>
    </s3:Delete>`;
    const root = parseXml(text, 'Delete');
    expect(root.name).toBe('Delete');
    expect(childText(childElement(root, 'Object')!, 'Key')).toBe('k1');
    expect(childText(root, 'Quiet')).toBe('false');
  });

  it('reads a default-namespaced document the same as an un-namespaced one', () => {
    const a = parseXml('<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet/></Tagging>', 'Tagging');
    const b = parseXml('<Tagging><TagSet/></Tagging>', 'Tagging');
    expect(a).toEqual(b);
  });
});

describe('parseXml: entities and character references', () => {
  it('decodes the five predefined entities', () => {
    expect(keyText('&amp;')).toBe('&');
    expect(keyText('&lt;')).toBe('<');
    expect(keyText('&gt;')).toBe('>');
    expect(keyText('&quot;')).toBe('"');
    expect(keyText('&apos;')).toBe("'");
    expect(keyText('a&amp;b&lt;c&gt;d&quot;e&apos;f')).toBe('a&b<c>d"e\'f');
  });

  it('decodes hex and decimal character references', () => {
    expect(keyText('&#x0A;')).toBe('\n');
    expect(keyText('&#xa;')).toBe('\n');
    expect(keyText('&#65;')).toBe('A');
    expect(keyText('&#13;')).toBe('\r');
    expect(keyText('&#x1F600;')).toBe('😀');
    expect(keyText('&#233;t&#xE9;')).toBe('été');
  });

  it('decodes only once (no double unescaping)', () => {
    expect(keyText('&amp;amp;')).toBe('&amp;');
    expect(keyText('&#38;lt;')).toBe('&lt;');
    expect(keyText('&#x26;#65;')).toBe('&#65;');
  });

  it('an unknown named entity is MalformedXML', () => {
    expect(codeOf(() => keyText('&nbsp;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&copy;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&AMP;'))).toBe('MalformedXML');
  });

  it('a bare or unterminated ampersand is MalformedXML', () => {
    expect(codeOf(() => keyText('a & b'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&amp'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&'))).toBe('MalformedXML');
  });

  it('an out-of-range or empty character reference is MalformedXML', () => {
    expect(codeOf(() => keyText('&#0;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#x0;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#x110000;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#x;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#xZZ;'))).toBe('MalformedXML');
  });

  it('a character reference to a surrogate code point is MalformedXML (XML 1.0 Char production)', () => {
    // A lone surrogate is not a character: it cannot even be encoded as UTF-8.
    expect(codeOf(() => keyText('&#xD800;'))).toBe('MalformedXML');
    expect(codeOf(() => keyText('&#57343;'))).toBe('MalformedXML');
  });

  it('normalises a literal CR LF to LF, as XML end-of-line handling requires', () => {
    expect(keyText('a\r\nb')).toBe('a\nb');
  });
});

describe('parseXml: CDATA sections', () => {
  it('CDATA content is literal text: markup and entity references are not interpreted', () => {
    expect(keyText('<![CDATA[a<b>c]]>')).toBe('a<b>c');
    expect(keyText('<![CDATA[a&amp;b]]>')).toBe('a&amp;b');
  });

  it('a bare ampersand inside CDATA is well-formed', () => {
    expect(keyText('<![CDATA[fish & chips]]>')).toBe('fish & chips');
  });
});

describe('parseXml: refused documents', () => {
  it('refuses DOCTYPE, ENTITY, ELEMENT, ATTLIST and NOTATION declarations with MalformedXML', () => {
    const docs = [
      '<!DOCTYPE Delete><Delete/>',
      '<!DOCTYPE Delete [<!ENTITY x "boom">]><Delete><Object><Key>&x;</Key></Object></Delete>',
      '<!DOCTYPE Delete SYSTEM "file:///etc/passwd"><Delete/>',
      '<!doctype Delete><Delete/>',
      '<!ENTITY x "y"><Delete/>',
      '<!ELEMENT Delete ANY><Delete/>',
      '<!ATTLIST Delete a CDATA #IMPLIED><Delete/>',
      '<!NOTATION n SYSTEM "x"><Delete/>',
    ];
    for (const doc of docs) expect(codeOf(() => parseXml(doc, 'Delete')), doc).toBe('MalformedXML');
  });

  it('refuses a billion-laughs style document', () => {
    const doc = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<Delete><Object><Key>&lol1;</Key></Object></Delete>`;
    expect(codeOf(() => parseXml(doc, 'Delete'))).toBe('MalformedXML');
  });

  it('a wrong root element is MalformedXML', () => {
    expect(codeOf(() => parseXml('<Tagging><TagSet/></Tagging>', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('<s3:Tagging xmlns:s3="urn:x"/>', 'Delete'))).toBe('MalformedXML');
  });

  it('more than one root element is MalformedXML', () => {
    expect(codeOf(() => parseXml('<Delete/><Delete/>', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('<Delete/><Other/>', 'Delete'))).toBe('MalformedXML');
  });

  it('text outside the root is MalformedXML', () => {
    expect(codeOf(() => parseXml('junk<Delete/>', 'Delete'))).toBe('MalformedXML');
  });

  it('an empty document is MalformedXML', () => {
    expect(codeOf(() => parseXml('', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('   ', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('<?xml version="1.0"?>', 'Delete'))).toBe('MalformedXML');
  });

  it('unbalanced or mismatched tags are MalformedXML', () => {
    expect(codeOf(() => parseXml('<Delete><Key>a</Key>', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('<Delete><Key>a</Value></Delete>', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('<Delete><Key>a<</Key></Delete>', 'Delete'))).toBe('MalformedXML');
    expect(codeOf(() => parseXml('not xml at all', 'Delete'))).toBe('MalformedXML');
  });

  it('MalformedXML is a 400', () => {
    try {
      parseXml('<Nope/>', 'Delete');
    } catch (err) {
      expect(isS3Error(err) && err.status).toBe(400);
      return;
    }
    throw new Error('did not throw');
  });
});

describe('parseXml: result shape', () => {
  it('builds a tree of XmlElement with children grouped by name in document order', () => {
    const root = parseXml('<A><B>1</B><C>x</C><B>2</B></A>', 'A');
    const expected: XmlElement = {
      name: 'A',
      text: '',
      children: new Map([
        [
          'B',
          [
            { name: 'B', text: '1', children: new Map() },
            { name: 'B', text: '2', children: new Map() },
          ],
        ],
        ['C', [{ name: 'C', text: 'x', children: new Map() }]],
      ]),
    };
    expect(root).toEqual(expected);
  });
});
