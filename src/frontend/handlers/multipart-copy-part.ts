import { checkCopySourcePreconditions } from '../../s3/conditions.js';
import { S3Error } from '../../s3/errors.js';
import { MAX_COPY_SOURCE_SIZE, parsePartNumber } from '../../s3/multipart.js';
import { assertValidObjectKey } from '../../s3/names.js';
import type { ByteRange } from '../../s3/types.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { incomingBodyFrom } from '../stream-body.js';
import { buildXml } from '../xml/build.js';
import { parseCopySource } from './copy-object.js';
import { checksumElements, uploadIdOf } from './multipart-common.js';
import { partBody } from './multipart-upload-part.js';
import { objectOf } from './object-target.js';
import { readPreconditions } from './objects-read.js';

/**
 * x-amz-copy-source-range: exactly `bytes=first-last`, zero-based and
 * inclusive. Malformed (or first > last) is InvalidArgument; a range that
 * does not lie inside the source is InvalidRange.
 */
export function parseCopySourceRange(header: string | undefined, sourceSize: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(header.trim());
  const start = m ? Number(m[1]) : NaN;
  const end = m ? Number(m[2]) : NaN;
  if (!m || start > end) {
    throw new S3Error('InvalidArgument', {
      message: 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      extra: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header },
    });
  }
  if (end >= sourceSize) {
    throw new S3Error('InvalidRange', { extra: { RangeRequested: header, ActualObjectSize: String(sourceSize) } });
  }
  return { start, end };
}

/**
 * UploadPartCopy (PUT /b/k?partNumber=N&uploadId=U with x-amz-copy-source):
 * streams the source (or a byte range of it) from whichever backend holds
 * it into the part, under the copy-source conditions.
 */
export async function uploadPartCopy(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const partNumber = parsePartNumber(req.query.get('partNumber'));
  const uploadId = uploadIdOf(req);
  const from = parseCopySource(req.headers['x-amz-copy-source']!);
  assertValidObjectKey(from.key);
  const dest = deps.registry.resolve(bucket);
  const { upload } = await dest.listParts(bucket, key, uploadId, req.signal);
  const source = deps.registry.resolve(from.bucket);
  const sourceInfo = await source.headObject(from.bucket, from.key, { versionId: from.versionId }, req.signal);
  checkCopySourcePreconditions(readPreconditions(req.headers, 'x-amz-copy-source-'), sourceInfo);
  const range = parseCopySourceRange(req.headers['x-amz-copy-source-range'], sourceInfo.size);
  if (!range && sourceInfo.size > MAX_COPY_SOURCE_SIZE) {
    throw new S3Error('InvalidRequest', {
      message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_COPY_SOURCE_SIZE}`,
    });
  }
  const size = range ? range.end - range.start + 1 : sourceInfo.size;
  const got = await source.getObject(
    from.bucket,
    from.key,
    { versionId: from.versionId, range: range ? { kind: 'bounded', start: range.start, end: range.end } : undefined },
    req.signal,
  );
  if (got.info.etag !== sourceInfo.etag) {
    // The source changed after its conditions were checked: refuse rather than copy bytes nobody vetted.
    got.body.destroy();
    throw new S3Error('PreconditionFailed', { extra: { Condition: 'x-amz-copy-source-If-Match' } });
  }
  const body = partBody(upload, incomingBodyFrom(got.body, size), []);
  const part = await dest.uploadPart(bucket, key, uploadId, partNumber, body, req.signal);
  return xmlReply(buildXml('CopyPartResult', { ETag: `"${part.etag}"`, LastModified: part.lastModified, ...checksumElements(part.checksums) }), 200, {
    'x-amz-copy-source-version-id': sourceInfo.versionId !== undefined && sourceInfo.versionId !== 'null' ? sourceInfo.versionId : undefined,
  });
}
