import { S3Error } from '../s3/errors.js';
import { buildXml, escapeXml, type XmlNode } from './xml/build.js';

/** Query parameters every S3 listing shares: encoding-type and the max-* counts. */

/** S3's url encoding-type: percent-encode all but unreserved characters and '/'. */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether encoding-type=url was asked for; any other value is InvalidArgument. */
export function wantsUrlEncoding(query: URLSearchParams): boolean {
  const encoding = query.get('encoding-type');
  if (encoding !== null && encoding.toLowerCase() !== 'url') {
    throw new S3Error('InvalidArgument', { message: 'Invalid Encoding Method specified in Request', extra: { ArgumentName: 'encoding-type', ArgumentValue: encoding } });
  }
  return encoding !== null;
}

/** Encodes listing values (keys, prefixes, markers) when url encoding was asked for. */
export function listingEncoder(encodeUrl: boolean): (value: string | undefined) => string | undefined {
  return (value) => (value === undefined || !encodeUrl ? value : urlEncodeKey(value));
}

/**
 * A non-negative integer parameter such as max-keys, max-uploads, max-parts or
 * part-number-marker: absent or empty gives `fallback`, larger values are capped
 * at `cap`, anything else is InvalidArgument naming the parameter.
 */
export function parseCount(value: string | null | undefined, name: string, options: { fallback: number; cap?: number }): number {
  if (value === null || value === undefined || value === '') return options.fallback;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw new S3Error('InvalidArgument', { message: `Provided ${name} not an integer or within integer range`, extra: { ArgumentName: name, ArgumentValue: value } });
  }
  return options.cap === undefined ? Number(value) : Math.min(Number(value), options.cap);
}

/** What a listing writes per object (ObjectSummary's fields). */
interface ListedObject {
  key: string;
  lastModified: Date;
  etag: string;
  size: number;
  storageClass: string;
}

/**
 * A listing document written straight into a growing Buffer. A 1,000-key
 * page built as one string (by += or the generic writer's join) is a deep
 * rope that V8 flattens when it is encoded for the socket: measured here,
 * that flattening cost 6–10 ms a page, more than reading the page from the
 * listing index; written piece by piece into bytes, the whole page is ~3 ms.
 */
class XmlBytes {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  add(text: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: room for that means write() never truncates.
    const room = text.length * 3;
    if (this.buffer.length - this.length < room) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + room));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

export interface ListingTail {
  /** Contents, or Version for ListObjectVersions (the "null" version). */
  element: 'Contents' | 'Version';
  objects: readonly ListedObject[];
  commonPrefixes: readonly string[];
  owner?: { ID: string; DisplayName: string } | undefined;
}

/**
 * A listing document: `header`'s elements through buildXml, then the page's
 * objects and common prefixes (which always come last). The bytes are what
 * the generic writer gives for the same nodes.
 */
export function listingXml(root: string, header: XmlNode, tail: ListingTail, enc: (value: string) => string | undefined): Buffer {
  const head = buildXml(root, header);
  const close = `</${root}>`;
  const out = new XmlBytes();
  out.add(head.slice(0, head.length - close.length));
  const { element, owner } = tail;
  const ownerXml = owner ? `<Owner><ID>${escapeXml(owner.ID)}</ID><DisplayName>${escapeXml(owner.DisplayName)}</DisplayName></Owner>` : '';
  const version = element === 'Version' ? '<VersionId>null</VersionId><IsLatest>true</IsLatest>' : '';
  // Neighbouring keys are often written in the same millisecond: format each instant once.
  let lastMs = NaN;
  let lastIso = '';
  for (const o of tail.objects) {
    const ms = o.lastModified.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = o.lastModified.toISOString();
    }
    out.add(
      `<${element}><Key>${escapeXml(enc(o.key)!)}</Key>${version}<LastModified>${lastIso}</LastModified>` +
        `<ETag>&quot;${escapeXml(o.etag)}&quot;</ETag><Size>${o.size}</Size>${ownerXml}<StorageClass>${escapeXml(o.storageClass)}</StorageClass></${element}>`,
    );
  }
  for (const prefix of tail.commonPrefixes) out.add(`<CommonPrefixes><Prefix>${escapeXml(enc(prefix)!)}</Prefix></CommonPrefixes>`);
  out.add(close);
  return out.bytes();
}
