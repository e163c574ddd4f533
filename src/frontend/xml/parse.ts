import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from '../../s3/errors.js';

/**
 * A parsed XML element: child elements by local name (always arrays, so
 * single and repeated elements read the same way) and its text.
 */
export interface XmlElement {
  name: string;
  text: string;
  children: Map<string, XmlElement[]>;
}

const DECLARATIONS = /<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  preserveOrder: true,
  // CDATA is literal text: kept apart so entity decoding never touches it.
  cdataPropName: '#cdata',
});

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Decodes XML's five named entities and numeric character references; anything else is malformed. */
function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new S3Error('MalformedXML');
    if (ref in NAMED_ENTITIES) return NAMED_ENTITIES[ref];
    const m = /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.exec(ref);
    if (!m) throw new S3Error('MalformedXML');
    const code = m[1].startsWith('x') ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
    if (!isXmlChar(code)) throw new S3Error('MalformedXML');
    return String.fromCodePoint(code);
  });
}

/** XML 1.0's Char production: what a character reference may name. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff)
  );
}

type OrderedNode = Record<string, unknown>;

/** Text of a CDATA node as fast-xml-parser's ordered form holds it: [{ '#text': '…' }]. */
function cdataText(value: unknown): string {
  return (value as OrderedNode[]).map((n) => String(n['#text'] ?? '')).join('');
}

function toElement(name: string, nodes: OrderedNode[]): XmlElement {
  const element: XmlElement = { name, text: '', children: new Map() };
  for (const node of nodes) {
    for (const [tag, value] of Object.entries(node)) {
      if (tag === ':@') continue;
      if (tag === '#text') {
        element.text += decodeEntities(String(value));
      } else if (tag === '#cdata') {
        element.text += cdataText(value);
      } else if (!tag.startsWith('?')) {
        const child = toElement(tag, value as OrderedNode[]);
        const list = element.children.get(tag) ?? [];
        list.push(child);
        element.children.set(tag, list);
      }
    }
  }
  return element;
}

/**
 * Parses a request body as XML with one root element named `rootName`.
 * DOCTYPE and entity declarations are refused outright (no expansion attacks,
 * no external entities); size is capped by the caller that read the body.
 */
export function parseXml(text: string, rootName: string): XmlElement {
  if (DECLARATIONS.test(text)) throw new S3Error('MalformedXML', { message: 'XML document type and entity declarations are not allowed' });
  if (XMLValidator.validate(text) !== true) throw new S3Error('MalformedXML');
  const roots = toElement('#document', parser.parse(text) as OrderedNode[]);
  const root = roots.children.get(rootName);
  if (!root || root.length !== 1 || roots.children.size !== 1) throw new S3Error('MalformedXML');
  return root[0];
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.get(name) ?? [];
}

export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  const list = element.children.get(name);
  if (list && list.length > 1) throw new S3Error('MalformedXML', { message: `Element ${name} may appear only once` });
  return list?.[0];
}

export function childText(element: XmlElement, name: string): string | undefined {
  return childElement(element, name)?.text;
}
