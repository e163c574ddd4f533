/**
 * A minimal XML writer for S3 responses. Values are escaped for XML 1.0
 * text; element names come only from code, never from requests.
 */
type XmlScalar = string | number | boolean | Date;
export type XmlValue = XmlScalar | undefined | null | XmlNode | (XmlScalar | XmlNode)[];
export interface XmlNode {
  /** Attributes of the element this node is the content of (names and values from code). */
  $attributes?: Record<string, string>;
  [element: string]: XmlValue | Record<string, string>;
}

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return '&#13;';
    }
  });
}

function scalar(value: string | number | boolean | Date): string {
  return value instanceof Date ? value.toISOString() : escapeXml(String(value));
}

function writeValue(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) writeValue(name, item, out);
    return;
  }
  const isNode = typeof value === 'object' && !(value instanceof Date);
  const attributes = isNode && value.$attributes ? Object.entries(value.$attributes).map(([k, v]) => ` ${k}="${escapeXml(v)}"`).join('') : '';
  out.push(`<${name}${attributes}>`);
  if (isNode) writeChildren(value, out);
  else out.push(scalar(value));
  out.push(`</${name}>`);
}

function writeChildren(node: XmlNode, out: string[]): void {
  for (const [name, value] of Object.entries(node)) if (name !== '$attributes') writeValue(name, value as XmlValue, out);
}

/** Serialises one root element with the S3 namespace (pass `namespace: false` for the Error document). */
export function buildXml(root: string, body: XmlNode | string, options: { namespace?: boolean } = {}): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  out.push(options.namespace === false ? `<${root}>` : `<${root} xmlns="${S3_NAMESPACE}">`);
  if (typeof body === 'string') out.push(escapeXml(body));
  else writeChildren(body, out);
  out.push(`</${root}>`);
  return out.join('');
}
