import { checkReadPreconditions, type Preconditions } from '../../s3/conditions.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { contentRangeHeader, parseRange, resolveRange } from '../../s3/range.js';
import type { ByteRange } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { objectHeaders } from '../object-headers.js';
import type { S3Reply } from '../reply.js';
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
  const info = await deps.registry.resolve(bucket).headObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  checkReadPreconditions(readPreconditions(req.headers), info);
  const spec = parseRange(req.headers['range']);
  const range = spec ? resolveRange(spec, info.size) : undefined;
  const headers: S3Reply['headers'] = objectHeaders(info, { checksumMode: checksumModeEnabled(req), wholeObject: !range, query: req.query });
  return { status: setLengthHeaders(headers, range, info.size), headers };
}
