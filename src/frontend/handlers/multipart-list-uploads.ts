import { pageUploads } from '../../s3/upload-listing.js';
import type { FrontDoorDeps, S3Request } from '../context.js';
import { listingEncoder, parseCount, wantsUrlEncoding } from '../list-encoding.js';
import { xmlReply, type S3Reply } from '../reply.js';
import { buildXml } from '../xml/build.js';
import { ownerOf } from './owner.js';

type BucketOp = Extract<S3Request['op'], { target: 'bucket' }>;

/**
 * ListMultipartUploads (GET /b?uploads): uploads in progress by key, then
 * initiation, with prefix, delimiter (CommonPrefixes count towards
 * max-uploads), key-marker / upload-id-marker paging (src/s3/upload-listing.ts)
 * and encoding-type=url.
 */
export async function listMultipartUploads(req: S3Request, deps: FrontDoorDeps): Promise<S3Reply> {
  const bucket = (req.op as BucketOp).bucket;
  const encodeUrl = wantsUrlEncoding(req.query);
  const enc = listingEncoder(encodeUrl);
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') || undefined;
  const keyMarker = req.query.get('key-marker') || undefined;
  const uploadIdMarker = req.query.get('upload-id-marker') || undefined;
  const maxUploads = parseCount(req.query.get('max-uploads'), 'max-uploads', { fallback: 1000, cap: 1000 });
  const uploads = await deps.registry.resolve(bucket).listMultipartUploads(bucket, req.signal);
  const page = pageUploads(uploads, { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
  const owner = ownerOf(req.principal);
  return xmlReply(
    buildXml('ListMultipartUploadsResult', {
      Bucket: bucket,
      KeyMarker: enc(keyMarker ?? ''),
      UploadIdMarker: keyMarker ? (uploadIdMarker ?? '') : '',
      NextKeyMarker: enc(page.nextKeyMarker ?? ''),
      NextUploadIdMarker: page.nextUploadIdMarker ?? '',
      Delimiter: enc(delimiter),
      Prefix: enc(prefix),
      MaxUploads: maxUploads,
      EncodingType: encodeUrl ? 'url' : undefined,
      IsTruncated: page.isTruncated,
      Upload: page.uploads.map((u) => ({
        Key: enc(u.key),
        UploadId: u.uploadId,
        Initiator: owner,
        Owner: owner,
        StorageClass: u.meta.storageClass,
        Initiated: u.initiated,
        ChecksumAlgorithm: u.checksumAlgorithm,
        ChecksumType: u.checksumAlgorithm ? u.checksumType : undefined,
      })),
      CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
}
