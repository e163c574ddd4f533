import { checksumHeaderName } from '../../s3/checksums.js';
import { contentRangeHeader } from '../../s3/range.js';
import { S3Error } from '../../s3/errors.js';
import { parsePartNumber } from '../../s3/multipart.js';
import type { ByteRange, ChecksumAlgorithm, ObjectInfo } from '../../s3/types.js';
import type { S3Request } from '../context.js';
import type { S3Reply } from '../reply.js';

/**
 * GetObject / HeadObject with ?partNumber=N: the bytes of one part of a
 * multipart object, answered like a range (206, Content-Range) plus
 * x-amz-mp-parts-count. An object not made by multipart upload is its own
 * single part 1. Combining partNumber with Range is InvalidRequest.
 */

/** The requested part number, if any; validated, and refused next to a Range header. */
export function requestedPartNumber(req: S3Request): number | undefined {
  if (!req.query.has('partNumber')) return undefined;
  const n = parsePartNumber(req.query.get('partNumber'));
  if (req.headers['range'] !== undefined) {
    throw new S3Error('InvalidRequest', { message: 'Cannot specify both Range header and partNumber query parameter' });
  }
  return n;
}

export interface PartSelection {
  /** Undefined for part 1 of an empty single-part object: there is no byte range to name. */
  range?: ByteRange;
  /** x-amz-mp-parts-count, for multipart objects only. */
  partsCount?: number;
  /** Checksums of exactly these bytes, when known. */
  checksums: ObjectInfo['checksums'];
}

/** Where part N lies in the object; InvalidPartNumber (416) when the object has no such part. */
export function selectPart(info: ObjectInfo, partNumber: number): PartSelection {
  const parts = info.parts;
  if (!parts || parts.length === 0) {
    if (partNumber !== 1) throw notSatisfiable(partNumber, 1);
    return { range: info.size > 0 ? { start: 0, end: info.size - 1 } : undefined, checksums: info.checksums };
  }
  let start = 0;
  for (const part of parts) {
    if (part.partNumber === partNumber) {
      // An empty part has no bytes to name; it can only be the last one.
      const range = part.size > 0 ? { start, end: start + part.size - 1 } : undefined;
      return { range, partsCount: parts.length, checksums: part.checksums };
    }
    start += part.size;
  }
  throw notSatisfiable(partNumber, parts.length);
}

function notSatisfiable(requested: number, actual: number): S3Error {
  return new S3Error('InvalidPartNumber', { extra: { PartNumberRequested: String(requested), ActualPartCount: String(actual) } });
}

/**
 * Replaces the whole-object length and checksum headers with the part's and
 * returns the status: 206 with Content-Range for a part with bytes.
 */
export function applyPartHeaders(headers: S3Reply['headers'], info: ObjectInfo, selection: PartSelection, checksumMode: boolean): number {
  for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum-')) delete headers[name];
  if (selection.partsCount !== undefined) headers['x-amz-mp-parts-count'] = selection.partsCount;
  if (checksumMode && Object.keys(selection.checksums).length > 0) {
    for (const [algorithm, value] of Object.entries(selection.checksums)) if (value) headers[checksumHeaderName(algorithm as ChecksumAlgorithm)] = value;
    headers['x-amz-checksum-type'] = info.checksumType ?? 'FULL_OBJECT';
  }
  if (!selection.range) {
    headers['content-length'] = 0;
    return 200;
  }
  headers['content-range'] = contentRangeHeader(selection.range, info.size);
  headers['content-length'] = selection.range.end - selection.range.start + 1;
  return 206;
}
