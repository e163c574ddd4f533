/**
 * SigV2's string to sign (AWS "Signing and Authenticating REST Requests"):
 *
 *   VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n
 *   CanonicalizedAmzHeaders CanonicalizedResource
 *
 * Unlike SigV4, the path is signed exactly as it appears in the request line
 * (encoding and hex case included), which is what SigV2 clients sign.
 */
import { createHmac } from 'node:crypto';
import { headerValue } from './raw-headers.js';
import { percentDecode, type QueryParam } from './uri-encoding.js';

/**
 * Query parameters that name a sub-resource and so are signed. This is the
 * union of AWS's documented list and what botocore (boto3's `s3` signature
 * version) and MinIO's clients sign; any other parameter is left out, as
 * every SigV2 client leaves it out.
 */
export const SIGV2_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'inventory', 'legal-hold',
  'lifecycle', 'location', 'logging', 'metrics', 'notification', 'object-lock', 'partNumber', 'policy',
  'replication', 'requestPayment', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires',
  'restore', 'retention', 'select', 'select-type', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId',
  'versioning', 'versions', 'website',
]);

/** `x-amz-*` headers, lower-cased, sorted, values trimmed, one `name:value\n` each. */
export function canonicalAmzHeadersV2(headers: Record<string, string>): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-amz-'))
    .sort()
    .map((name) => `${name}:${headers[name].trim()}\n`)
    .join('');
}

/**
 * `/bucket` (virtual-hosted requests only) + the raw path + the signed
 * sub-resources sorted by name, their values decoded (AWS: "must not be
 * URL-encoded"); a parameter sent without '=' is signed without one.
 */
export function canonicalResourceV2(rawPath: string, query: readonly QueryParam[], hostBucket?: string): string {
  let resource = (hostBucket === undefined ? '' : `/${hostBucket}`) + (rawPath === '' ? '/' : rawPath);
  const subresources = query
    .filter((p) => SIGV2_SUBRESOURCES.has(p.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => (p.hasEquals ? `${p.name}=${percentDecode(p.rawValue).toString('utf8')}` : p.name));
  if (subresources.length > 0) resource += `?${subresources.join('&')}`;
  return resource;
}

export function stringToSignV2(
  method: string,
  headers: Record<string, string>,
  dateOrExpires: string,
  resource: string,
): string {
  return [
    method,
    headerValue(headers, 'content-md5') ?? '',
    headerValue(headers, 'content-type') ?? '',
    dateOrExpires,
    canonicalAmzHeadersV2(headers) + resource,
  ].join('\n');
}

/** Base64 HMAC-SHA1, as SigV2 sends it. */
export function signV2(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
