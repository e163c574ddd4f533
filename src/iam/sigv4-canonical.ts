/**
 * The SigV4 canonical request and string to sign, as pure functions of the
 * already-parsed request, so AWS's published vectors can check each step.
 */
import { canonicalQuery, canonicalUri, type QueryParam } from './uri-encoding.js';
import { sha256Hex } from './crypto-util.js';
import { headerValue } from './raw-headers.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * A header value as SigV4 signs it: leading and trailing whitespace removed
 * and every run of spaces/tabs inside collapsed to one space. Repeated headers
 * must already be joined with ',' (see headersFromRaw).
 */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/[ \t]+/g, ' ');
}

/**
 * `name:value\n` for every signed header, in the order the client listed them
 * (the list is part of what it signed). A signed header the request does not
 * carry contributes an empty value, so the signature simply fails to match.
 */
export function canonicalHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) out += `${name}:${canonicalHeaderValue(headerValue(headers, name.toLowerCase()) ?? '')}\n`;
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  query: readonly QueryParam[];
  /** Query parameters left out of the canonical query (X-Amz-Signature when presigned). */
  excludeQuery?: (name: string) => boolean;
  headers: Record<string, string>;
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalRequestParts, uri: string = canonicalUri(parts.rawPath)): string {
  return [
    parts.method,
    uri,
    canonicalQuery(parts.query, parts.excludeQuery),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
}

/**
 * The canonical requests a signature may cover: first over the path exactly
 * as received (what S3 signs), then over the path re-encoded with the SigV4
 * rules, for clients that encode the wire path differently from how they
 * signed it (e.g. `%2E` on the wire). Both name the same decoded resource.
 */
export function canonicalRequestForms(parts: CanonicalRequestParts): string[] {
  const asReceived = parts.rawPath === '' ? '/' : parts.rawPath;
  const normalised = canonicalUri(parts.rawPath);
  const uris = asReceived === normalised || !/^[\x21-\x7e]*$/.test(asReceived) ? [normalised] : [asReceived, normalised];
  return uris.map((uri) => canonicalRequest(parts, uri));
}

/** `date/region/service/aws4_request` */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}
