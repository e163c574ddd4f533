import { checksumAlgorithmFromHeader, checksumHeaderName } from '../../s3/checksums.js';
import { S3Error } from '../../s3/errors.js';
import type { ChecksumAlgorithm, Checksums } from '../../s3/types.js';
import type { S3Request } from '../context.js';
import type { S3Reply } from '../reply.js';

/** Pieces every multipart handler shares. */

/** The uploadId query parameter; an empty one names no upload. */
export function uploadIdOf(req: S3Request): string {
  const id = req.query.get('uploadId');
  if (!id) throw new S3Error('NoSuchUpload', { extra: { UploadId: id ?? '' } });
  return id;
}

/** `{ ChecksumCRC32: '…', … }` for XML results (CopyPartResult, ListParts, CompleteMultipartUploadResult, …). */
export function checksumElements(checksums: Checksums): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(checksums)) if (value) out[`Checksum${algorithm}`] = value;
  return out;
}

/** `x-amz-checksum-<alg>` response headers. */
export function checksumHeaders(checksums: Checksums): S3Reply['headers'] {
  const out: S3Reply['headers'] = {};
  for (const [algorithm, value] of Object.entries(checksums)) if (value) out[checksumHeaderName(algorithm as ChecksumAlgorithm)] = value;
  return out;
}

/** Checksum* child elements of a <Part>, keyed by algorithm. */
export const CHECKSUM_ELEMENTS: readonly [element: string, algorithm: ChecksumAlgorithm][] = [
  ['ChecksumCRC32', 'CRC32'],
  ['ChecksumCRC32C', 'CRC32C'],
  ['ChecksumCRC64NVME', 'CRC64NVME'],
  ['ChecksumSHA1', 'SHA1'],
  ['ChecksumSHA256', 'SHA256'],
];

/**
 * Checksum algorithms the request declares for its body: x-amz-checksum-<alg>
 * headers, x-amz-trailer announcements and x-amz-sdk-checksum-algorithm.
 */
export function declaredBodyChecksums(headers: S3Request['headers']): ChecksumAlgorithm[] {
  const found = new Set<ChecksumAlgorithm>();
  for (const name of Object.keys(headers)) {
    const algorithm = checksumAlgorithmFromHeader(name);
    if (algorithm) found.add(algorithm);
  }
  for (const name of (headers['x-amz-trailer'] ?? '').split(',')) {
    const algorithm = checksumAlgorithmFromHeader(name.trim());
    if (algorithm) found.add(algorithm);
  }
  const sdk = headers['x-amz-sdk-checksum-algorithm'];
  const sdkAlgorithm = sdk ? checksumAlgorithmFromHeader(`x-amz-checksum-${sdk.trim()}`) : undefined;
  if (sdkAlgorithm) found.add(sdkAlgorithm);
  return [...found];
}
