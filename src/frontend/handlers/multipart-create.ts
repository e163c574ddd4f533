import { resolveUploadChecksumMode } from '../../s3/multipart.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { metaFromHeaders } from '../object-headers.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { objectOf } from './object-target.js';
import { requestTagging } from './tagging.js';

/**
 * CreateMultipartUpload (POST /b/k?uploads): the object's metadata, storage
 * class and tags are fixed now and applied at completion; the checksum
 * algorithm and type decide what every part must carry and how the object's
 * checksum is formed.
 */
export async function createMultipartUpload(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const meta = metaFromHeaders(req.headers);
  const tags = requestTagging(req);
  const mode = resolveUploadChecksumMode(req.headers['x-amz-checksum-algorithm'], req.headers['x-amz-checksum-type']);
  const upload = await deps.registry
    .resolve(bucket)
    .createMultipartUpload(bucket, key, { meta, tags, checksumAlgorithm: mode.algorithm, checksumType: mode.type }, req.signal);
  return xmlReply(buildXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId }), 200, {
    'x-amz-checksum-algorithm': upload.checksumAlgorithm,
    'x-amz-checksum-type': upload.checksumAlgorithm ? upload.checksumType : undefined,
  });
}
