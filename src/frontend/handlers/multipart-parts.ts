import { assertValidObjectKey } from '../../s3/names.js';
import { pageParts } from '../../s3/upload-listing.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { parseCount } from '../list-encoding.js';
import { emptyReply, xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { checksumElements, uploadIdOf } from './multipart-common.js';
import { objectOf } from './object-target.js';
import { ownerOf } from './owner.js';

/** AbortMultipartUpload (DELETE /b/k?uploadId=U): frees the upload and its parts; 204, or NoSuchUpload. */
export async function abortMultipartUpload(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const uploadId = uploadIdOf(req);
  await deps.registry.resolve(bucket).abortMultipartUpload(bucket, key, uploadId, req.signal);
  return emptyReply(204);
}

/** ListParts (GET /b/k?uploadId=U): parts after part-number-marker, max-parts of them (default and cap 1000). */
export async function listParts(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const { bucket, key } = objectOf(req);
  assertValidObjectKey(key);
  const uploadId = uploadIdOf(req);
  const maxParts = parseCount(req.query.get('max-parts'), 'max-parts', { fallback: 1000, cap: 1000 });
  const marker = parseCount(req.query.get('part-number-marker'), 'part-number-marker', { fallback: 0 });
  const { upload, parts } = await deps.registry.resolve(bucket).listParts(bucket, key, uploadId, req.signal);
  const page = pageParts(parts, marker, maxParts);
  const owner = ownerOf(req.principal);
  return xmlReply(
    buildXml('ListPartsResult', {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.nextMarker,
      MaxParts: maxParts,
      IsTruncated: page.isTruncated,
      Part: page.items.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: p.lastModified,
        ETag: `"${p.etag}"`,
        Size: p.size,
        ...checksumElements(p.checksums),
      })),
      Initiator: owner,
      Owner: owner,
      StorageClass: upload.meta.storageClass,
      ChecksumAlgorithm: upload.checksumAlgorithm,
      ChecksumType: upload.checksumAlgorithm ? upload.checksumType : undefined,
    }),
  );
}
