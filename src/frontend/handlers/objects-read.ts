import { Readable } from 'node:stream';
import { checkReadPreconditions, type Preconditions } from '../../s3/conditions.js';
import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { contentRangeHeader, parseRange, resolveRange } from '../../s3/range.js';
import type { ByteRange } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { objectHeaders } from '../object-headers.js';
import type { S3Reply } from '../reply.js';
import { applyPartHeaders, requestedPartNumber, selectPart } from './multipart-part-read.js';
import { objectOf, versionIdOf } from './object-target.js';

export function readPreconditions(headers: S3Request['headers'], prefix = ''): Preconditions {
  return {
    ifMatch: headers[`${prefix}if-match`],
    ifNoneMatch: headers[`${prefix}if-none-match`],
    ifModifiedSince: headers[`${prefix}if-modified-since`],
    ifUnmodifiedSince: headers[`${prefix}if-unmodified-since`],
  };
}

/** Sets Content-Length (and Content-Range for a range) and returns the status: 206 for a range. */
function setLengthHeaders(headers: S3Reply['headers'], range: ByteRange | undefined, size: number): number {
  if (!range) {
    headers['content-length'] = size;
    return 200;
  }
  headers['content-range'] = contentRangeHeader(range, size);
  headers['content-length'] = range.end - range.start + 1;
  return 206;
}

const checksumModeEnabled = (req: S3Request): boolean => req.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';

export async function getObject(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const partNumber = requestedPartNumber(req);
  if (partNumber !== undefined) return readPart(req, deps, partNumber, true);
  const range = parseRange(req.headers['range']);
  const result = await deps.registry.resolve(bucket).getObject(bucket, key, { range, versionId: versionIdOf(req) }, req.signal);
  try {
    checkReadPreconditions(readPreconditions(req.headers), result.info);
  } catch (err) {
    result.body.destroy();
    throw err;
  }
  const { info } = result;
  const headers: S3Reply['headers'] = objectHeaders(info, { checksumMode: checksumModeEnabled(req), wholeObject: !result.range, query: req.query });
  return { status: setLengthHeaders(headers, result.range, info.size), headers, body: result.body };
}

export async function headObject(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const partNumber = requestedPartNumber(req);
  if (partNumber !== undefined) return readPart(req, deps, partNumber, false);
  const info = await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  checkReadPreconditions(readPreconditions(req.headers), info);
  const spec = parseRange(req.headers['range']);
  const range = spec ? resolveRange(spec, info.size) : undefined;
  const headers: S3Reply['headers'] = objectHeaders(info, { checksumMode: checksumModeEnabled(req), wholeObject: !range, query: req.query });
  return { status: setLengthHeaders(headers, range, info.size), headers };
}

/** Attempts at reading a part before giving up on an object that keeps being replaced. */
const PART_READ_ATTEMPTS = 3;

/**
 * GetObject/HeadObject ?partNumber=N (multipart-part-read.ts): the part's
 * range comes from the object's part list, so the bytes are read only if the
 * object still has the ETag that list belonged to.
 */
async function readPart(req: S3Request, deps: FrontDoorDeps, partNumber: number, withBody: boolean): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  const backend = deps.registry.resolve(bucket);
  const versionId = versionIdOf(req);
  for (let attempt = 1; ; attempt++) {
    const info = await backend.headObject(bucket, key, { versionId }, req.signal);
    checkReadPreconditions(readPreconditions(req.headers), info);
    const selection = selectPart(info, partNumber);
    const headers: S3Reply['headers'] = objectHeaders(info, { checksumMode: false, wholeObject: false, query: req.query });
    const status = applyPartHeaders(headers, info, selection, checksumModeEnabled(req));
    if (!withBody) return { status, headers };
    if (!selection.range) return { status, headers, body: Readable.from([]) };
    const { start, end } = selection.range;
    const result = await backend.getObject(bucket, key, { versionId, range: { kind: 'bounded', start, end } }, req.signal);
    if (result.info.etag === info.etag) return { status, headers, body: result.body };
    result.body.destroy();
    if (attempt === PART_READ_ATTEMPTS) throw new S3Error('SlowDown', { message: 'The object changed while its part was being read. Retry the request.' });
  }
}
