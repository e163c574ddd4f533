import { createHash } from 'node:crypto';
import { S3Error } from './errors.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type ChecksumType } from './types.js';

/** AWS's multipart limits (Amazon S3 multipart upload limits). */
export const MIN_PART_NUMBER = 1;
export const MAX_PART_NUMBER = 10_000;
/** Every part but the last must be at least this large. */
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_SIZE = 5 * 1024 ** 3;
export const MAX_OBJECT_SIZE = 5 * 1024 ** 4;
/** A copy source larger than this cannot be copied whole into one part. */
export const MAX_COPY_SOURCE_SIZE = 5 * 1024 ** 3;

/**
 * Parses a partNumber query parameter (UploadPart, UploadPartCopy, GetObject,
 * HeadObject): an integer from 1 to 10,000, else InvalidArgument with AWS's message.
 */
export function parsePartNumber(value: string | null | undefined): number {
  const text = value ?? '';
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= MIN_PART_NUMBER && n <= MAX_PART_NUMBER)) {
    throw new S3Error('InvalidArgument', {
      message: `Part number must be an integer between ${MIN_PART_NUMBER} and ${MAX_PART_NUMBER}, inclusive`,
      extra: { ArgumentName: 'partNumber', ArgumentValue: text },
    });
  }
  return n;
}

/** "hex-N": the MD5 of the concatenated binary MD5s of the parts, then the part count. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** Strips the quotes a client may put around an ETag (CompleteMultipartUpload accepts both). */
export function unquoteEtag(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

export interface UploadChecksumMode {
  algorithm?: ChecksumAlgorithm;
  type?: ChecksumType;
}

/** Which checksum types each algorithm supports for multipart uploads, default first. */
const SUPPORTED_TYPES: Record<ChecksumAlgorithm, readonly ChecksumType[]> = {
  CRC64NVME: ['FULL_OBJECT'],
  CRC32: ['COMPOSITE', 'FULL_OBJECT'],
  CRC32C: ['COMPOSITE', 'FULL_OBJECT'],
  SHA1: ['COMPOSITE'],
  SHA256: ['COMPOSITE'],
};

export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm {
  const upper = value.trim().toUpperCase();
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)) {
    throw new S3Error('InvalidRequest', {
      message: `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${CHECKSUM_ALGORITHMS.join(', ')}]`,
    });
  }
  return upper as ChecksumAlgorithm;
}

export function parseChecksumType(value: string): ChecksumType {
  const upper = value.trim().toUpperCase();
  if (upper !== 'FULL_OBJECT' && upper !== 'COMPOSITE') {
    throw new S3Error('InvalidRequest', { message: 'Value for x-amz-checksum-type header is invalid.' });
  }
  return upper;
}

/**
 * CreateMultipartUpload's x-amz-checksum-algorithm and x-amz-checksum-type.
 * CRC64NVME is FULL_OBJECT only; SHA-1 and SHA-256 COMPOSITE only; CRC32 and
 * CRC32C take either and default to COMPOSITE. A type without an algorithm,
 * or a combination the algorithm does not support, is InvalidRequest.
 */
export function resolveUploadChecksumMode(algorithmHeader: string | undefined, typeHeader: string | undefined): UploadChecksumMode {
  if (algorithmHeader === undefined || algorithmHeader === '') {
    if (typeHeader !== undefined && typeHeader !== '') {
      throw new S3Error('InvalidRequest', { message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.' });
    }
    return {};
  }
  const algorithm = parseChecksumAlgorithm(algorithmHeader);
  const supported = SUPPORTED_TYPES[algorithm];
  const type = typeHeader === undefined || typeHeader === '' ? supported[0] : parseChecksumType(typeHeader);
  if (!supported.includes(type)) {
    throw new S3Error('InvalidRequest', {
      message: `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    });
  }
  return { algorithm, type };
}
