import type { MultipartUpload } from './types.js';

/** Pages of multipart state (ListMultipartUploads, ListParts, GetObjectAttributes' ObjectParts). Pure. */

export interface UploadPageOptions {
  prefix: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  /** 0..1000 */
  maxUploads: number;
}

export interface UploadPage {
  uploads: MultipartUpload[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key (or common prefix) on the page: where the next page starts. */
  nextKeyMarker?: string;
  /** The last upload's id, when the page ended on an upload rather than a common prefix. */
  nextUploadIdMarker?: string;
}

/** S3 orders keys by their UTF-8 bytes; JS compares UTF-16 code units, which differs above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function rolledUp(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/**
 * AWS's semantics: key-marker alone lists uploads whose key sorts strictly
 * after it; key-marker with upload-id-marker also lists the uploads of that
 * same key that come after the named one (ignored without key-marker). A
 * key-marker that is a common prefix of the previous page skips that whole
 * prefix. Common prefixes count towards max-uploads. `uploads` must be in
 * the backend's order: key (UTF-8 bytes), then initiation.
 */
export function pageUploads(uploads: readonly MultipartUpload[], options: UploadPageOptions): UploadPage {
  const { prefix, delimiter, keyMarker, maxUploads } = options;
  const uploadIdMarker = keyMarker ? options.uploadIdMarker : undefined;
  const markerIndex = uploadIdMarker ? uploads.findIndex((u) => u.key === keyMarker && u.uploadId === uploadIdMarker) : -1;
  const afterMarker = (u: MultipartUpload, index: number): boolean => {
    if (keyMarker === undefined) return true;
    const order = compareKeys(u.key, keyMarker);
    if (order !== 0) return order > 0 && rolledUp(u.key, prefix, delimiter) !== keyMarker;
    if (!uploadIdMarker) return false;
    return markerIndex >= 0 ? index > markerIndex : u.uploadId > uploadIdMarker;
  };

  const page: UploadPage = { uploads: [], commonPrefixes: [], isTruncated: false };
  let entries = 0;
  let lastPrefix: string | undefined;
  for (let i = 0; i < uploads.length; i++) {
    const upload = uploads[i];
    if (!upload.key.startsWith(prefix) || !afterMarker(upload, i)) continue;
    const common = rolledUp(upload.key, prefix, delimiter);
    if (common !== undefined && common === lastPrefix) continue;
    if (entries === maxUploads) {
      page.isTruncated = true;
      break;
    }
    entries++;
    if (common !== undefined) {
      lastPrefix = common;
      page.commonPrefixes.push(common);
      page.nextKeyMarker = common;
      page.nextUploadIdMarker = undefined;
    } else {
      page.uploads.push(upload);
      page.nextKeyMarker = upload.key;
      page.nextUploadIdMarker = upload.uploadId;
    }
  }
  return page;
}

export interface NumberedPage<T> {
  items: T[];
  isTruncated: boolean;
  /** The last part number on the page (0 when empty). */
  nextMarker: number;
}

/** Parts after `marker`, at most `max` of them (ListParts, GetObjectAttributes). `items` ascend by part number. */
export function pageParts<T extends { partNumber: number }>(items: readonly T[], marker: number, max: number): NumberedPage<T> {
  const after = items.filter((p) => p.partNumber > marker);
  const page = after.slice(0, max);
  return { items: page, isTruncated: after.length > page.length, nextMarker: page.length ? page[page.length - 1].partNumber : 0 };
}
