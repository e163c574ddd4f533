import { checksumHeaderName } from '../../s3/checksums.js';
import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { Checksums, ChecksumAlgorithm, ObjectInfo } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { metaFromHeaders } from '../object-headers.js';
import { emptyReply, type S3Reply } from '../reply.js';
import { objectOf, versionIdOf } from './object-target.js';
import { requestTagging } from './tagging.js';

/** AWS's single-PUT limit; larger objects need multipart upload. */
export const MAX_PUT_OBJECT_BYTES = 5 * 1024 ** 3;

/** ETag and the checksums the client sent, as PutObject and UploadPart answer them. */
export function writeResultHeaders(info: Pick<ObjectInfo, 'etag' | 'versionId'>, checksums: Checksums): S3Reply['headers'] {
  const headers: S3Reply['headers'] = { etag: `"${info.etag}"` };
  for (const [algorithm, value] of Object.entries(checksums)) headers[checksumHeaderName(algorithm as ChecksumAlgorithm)] = value;
  if (Object.keys(checksums).length > 0) headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  if (info.versionId !== undefined && info.versionId !== 'null') headers['x-amz-version-id'] = info.versionId;
  return headers;
}

/** If-None-Match on a write: S3 supports only `*` (create only if absent). Also CompleteMultipartUpload's. */
export function writeConditions(req: S3Request): { ifMatch?: string; ifNoneMatch?: string } {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', { message: 'If-None-Match on a write supports only "*"', extra: { Header: 'If-None-Match' } });
  }
  return { ifMatch: req.headers['if-match'], ifNoneMatch };
}

export async function putObject(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const meta = metaFromHeaders(req.headers);
  const tags = requestTagging(req);
  const body = req.body();
  if (body.declaredSize === undefined) throw new S3Error('MissingContentLength');
  if (body.declaredSize > MAX_PUT_OBJECT_BYTES) {
    body.stream.destroy();
    throw new S3Error('EntityTooLarge', { extra: { ProposedSize: String(body.declaredSize), MaxSizeAllowed: String(MAX_PUT_OBJECT_BYTES) } });
  }
  const info = await deps.registry.resolve(bucket).putObject(bucket, key, body, { meta, tags, ...writeConditions(req) }, req.signal);
  return emptyReply(200, writeResultHeaders(info, info.checksums));
}

export async function deleteObject(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const result = await deps.registry.resolve(bucket).deleteObject(bucket, key, { versionId: versionIdOf(req) }, req.signal);
  return emptyReply(204, {
    'x-amz-delete-marker': result.deleteMarker ? 'true' : undefined,
    'x-amz-version-id': result.versionId !== undefined && result.versionId !== 'null' ? result.versionId : undefined,
  });
}
