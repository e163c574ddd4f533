/**
 * S3's URI encoding for SigV4 canonical requests.
 *
 * Clients disagree on which characters they percent-encode (one sends `!`,
 * another `%21`; `%c3` or `%C3`), yet all of them sign the *same* canonical
 * form: every byte outside the RFC 3986 unreserved set is `%XX` with upper-case
 * hex. So the server decodes what it received and encodes it again with those
 * rules. Decoding works on bytes, never on strings, so invalid UTF-8 or a
 * stray `%` cannot throw: a `%` not followed by two hex digits is a literal.
 */

const UNRESERVED = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') {
  UNRESERVED[c.charCodeAt(0)] = 1;
}

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Percent-decodes to raw bytes. With `plusIsSpace` a `+` becomes a space, as
 * form-style query strings mean it (and as Go's url.ParseQuery, which MinIO
 * uses, reads it); paths keep `+` literal.
 */
export function percentDecode(text: string, plusIsSpace = false): Buffer {
  const input = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (b === 0x25 && i + 2 < input.length) {
      const hi = hexValue(input[i + 1]);
      const lo = hexValue(input[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}

/** Encodes bytes the SigV4 way: unreserved bytes as-is, everything else `%XX`. */
export function uriEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    out += UNRESERVED[b] ? String.fromCharCode(b) : '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** Encodes a string's UTF-8 bytes the SigV4 way. */
export function uriEncode(text: string): string {
  return uriEncodeBytes(Buffer.from(text, 'utf8'));
}

/**
 * The canonical URI of an S3 request: the path as received, segment by
 * segment decoded and re-encoded, never normalised (no `.`/`..` removal, no
 * slash merging) and never double-encoded. Splitting on the raw `/` first
 * keeps an encoded slash (`%2F`) inside a key encoded.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncodeBytes(percentDecode(segment)))
    .join('/');
}

/** One query parameter as received, decoded to text. */
export interface QueryParam {
  name: string;
  value: string;
  /** False for `?acl`, true for `?acl=` (SigV2 resources keep the difference). */
  hasEquals: boolean;
  /** Name and value exactly as received, still percent-encoded. */
  rawName: string;
  rawValue: string;
  /** The encoded name and value, re-encoded with the SigV4 rules. */
  encodedName: string;
  encodedValue: string;
}

/** Splits a raw query string (no leading `?`) into its parameters, in order. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const nameBytes = percentDecode(rawName, true);
    const valueBytes = percentDecode(rawValue, true);
    params.push({
      name: nameBytes.toString('utf8'),
      value: valueBytes.toString('utf8'),
      hasEquals: eq !== -1,
      rawName,
      rawValue,
      encodedName: uriEncodeBytes(nameBytes),
      encodedValue: uriEncodeBytes(valueBytes),
    });
  }
  return params;
}

/**
 * The SigV4 canonical query string: every parameter as `name=value` (a
 * missing value becomes `name=`), re-encoded, sorted by encoded name and then
 * by encoded value (byte order; the encoded forms are ASCII). `exclude` drops
 * parameters by exact name, e.g. X-Amz-Signature for presigned requests.
 */
export function canonicalQuery(params: readonly QueryParam[], exclude?: (name: string) => boolean): string {
  return params
    .filter((p) => !exclude?.(p.name))
    .map((p) => [p.encodedName, p.encodedValue] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}
