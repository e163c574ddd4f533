import { storedContentEncoding } from '../iam/content-sha256.js';
import { S3Error } from '../s3/errors.js';
import { checksumHeaderName } from '../s3/checksums.js';
import { taggingCountHeader } from '../s3/tags.js';
import { STORAGE_CLASSES, type ObjectInfo, type ObjectMeta, type StorageClass } from '../s3/types.js';

/** AWS: user metadata is at most 2 KB, counted as the UTF-8 bytes of every name and value. */
export const MAX_USER_METADATA_BYTES = 2048;

const USER_META_PREFIX = 'x-amz-meta-';

export function parseStorageClass(header: string | undefined): StorageClass {
  if (header === undefined || header === '') return 'STANDARD';
  if ((STORAGE_CLASSES as readonly string[]).includes(header)) return header as StorageClass;
  throw new S3Error('InvalidStorageClass', { extra: { StorageClassRequested: header } });
}

/** Object metadata from request headers (PutObject, CopyObject with REPLACE). */
export function metaFromHeaders(headers: Record<string, string | undefined>): ObjectMeta {
  const userMetadata: Record<string, string> = {};
  let userBytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(USER_META_PREFIX) || value === undefined) continue;
    const key = name.slice(USER_META_PREFIX.length);
    userMetadata[key] = value;
    userBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (userBytes > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', { extra: { Size: String(userBytes), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) } });
  }
  return {
    contentType: headers['content-type'],
    contentEncoding: storedContentEncoding(headers['content-encoding']),
    contentDisposition: headers['content-disposition'],
    contentLanguage: headers['content-language'],
    cacheControl: headers['cache-control'],
    expires: headers['expires'],
    userMetadata,
    storageClass: parseStorageClass(headers['x-amz-storage-class']),
  };
}

/** The response-* query parameters that override GET response headers. */
const RESPONSE_OVERRIDES: [query: string, header: string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

export function httpDate(date: Date): string {
  return date.toUTCString();
}

/** Headers that describe an object on GET and HEAD. */
export function objectHeaders(info: ObjectInfo, options: { checksumMode: boolean; wholeObject: boolean; query?: URLSearchParams }): Record<string, string> {
  const m = info.meta;
  const h: Record<string, string> = {
    'content-type': m.contentType ?? 'binary/octet-stream',
    etag: `"${info.etag}"`,
    'last-modified': httpDate(info.lastModified),
    'accept-ranges': 'bytes',
  };
  if (m.contentEncoding) h['content-encoding'] = m.contentEncoding;
  if (m.contentDisposition) h['content-disposition'] = m.contentDisposition;
  if (m.contentLanguage) h['content-language'] = m.contentLanguage;
  if (m.cacheControl) h['cache-control'] = m.cacheControl;
  if (m.expires) h['expires'] = m.expires;
  if (m.storageClass !== 'STANDARD') h['x-amz-storage-class'] = m.storageClass;
  for (const [name, value] of Object.entries(m.userMetadata)) h[USER_META_PREFIX + name] = value;
  if (info.versionId !== undefined && info.versionId !== 'null') h['x-amz-version-id'] = info.versionId;
  const tagCount = taggingCountHeader(info.tags);
  if (tagCount !== undefined) h['x-amz-tagging-count'] = tagCount;
  if (options.checksumMode && options.wholeObject) {
    for (const [algorithm, value] of Object.entries(info.checksums)) {
      if (value) h[checksumHeaderName(algorithm as keyof typeof info.checksums)] = value;
    }
    if (Object.keys(info.checksums).length > 0) h['x-amz-checksum-type'] = info.checksumType ?? 'FULL_OBJECT';
  }
  if (options.query) {
    for (const [query, header] of RESPONSE_OVERRIDES) {
      const value = options.query.get(query);
      if (value !== null) h[header] = value;
    }
  }
  return h;
}
