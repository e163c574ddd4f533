import type { IncomingBody } from '../../backends/backend.js';
import { S3Error } from '../../s3/errors.js';
import { MAX_PART_SIZE, parsePartNumber } from '../../s3/multipart.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { ChecksumAlgorithm, MultipartUpload } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { emptyReply, type S3Reply } from '../reply.js';
import { withChecksum } from '../stream-body.js';
import { checksumHeaders, declaredBodyChecksums, uploadIdOf } from './multipart-common.js';
import { objectOf } from './object-target.js';

/**
 * The part body as the upload requires it. When the upload named a checksum
 * algorithm, a part declaring another one is refused, and a part declaring
 * none gets the upload's algorithm computed (as S3 does), so every part of
 * such an upload carries it and completion can form the object checksum.
 */
export function partBody(upload: MultipartUpload, body: IncomingBody, declared: readonly ChecksumAlgorithm[]): IncomingBody {
  const wanted = upload.checksumAlgorithm;
  if (!wanted) return body;
  const other = declared.find((a) => a !== wanted);
  if (other) {
    body.stream.destroy();
    throw new S3Error('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${wanted.toLowerCase()}, actual checksum Type: ${other.toLowerCase()}`,
    });
  }
  return declared.includes(wanted) ? body : withChecksum(body, wanted);
}

/** UploadPart (PUT /b/k?partNumber=N&uploadId=U): stores one part, replacing an earlier one with the same number. */
export async function uploadPart(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const partNumber = parsePartNumber(req.query.get('partNumber'));
  const uploadId = uploadIdOf(req);
  const backend = deps.registry.resolve(bucket);
  const body = req.body();
  if (body.declaredSize === undefined) {
    body.stream.destroy();
    throw new S3Error('MissingContentLength');
  }
  if (body.declaredSize > MAX_PART_SIZE) {
    body.stream.destroy();
    throw new S3Error('EntityTooLarge', { extra: { ProposedSize: String(body.declaredSize), MaxSizeAllowed: String(MAX_PART_SIZE) } });
  }
  let upload: MultipartUpload;
  try {
    ({ upload } = await backend.listParts(bucket, key, uploadId, req.signal));
  } catch (err) {
    body.stream.destroy();
    throw err;
  }
  const part = await backend.uploadPart(bucket, key, uploadId, partNumber, partBody(upload, body, declaredBodyChecksums(req.headers)), req.signal);
  return emptyReply(200, { etag: `"${part.etag}"`, ...checksumHeaders(part.checksums) });
}
