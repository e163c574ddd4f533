import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompletedPart,
  type CreateMultipartUploadCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { createChecksumHasher } from '../../src/s3/checksums.js';
import type { ChecksumAlgorithm } from '../../src/s3/types.js';

export const MiB = 1024 * 1024;
/** S3's minimum size for every part but the last. */
export const MIN_PART = 5 * MiB;

export const md5Hex = (b: Buffer): string => createHash('md5').update(b).digest('hex');
export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A checksum in S3's base64 form, computed with cairn's hashers (CRC32 is zlib's, the rest are independent of the server's request path). */
export function checksumOf(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const h = createChecksumHasher(algorithm);
  h.update(data);
  return h.digestBase64();
}

/** The multipart ETag of these parts, computed from the data. */
export function expectedEtag(parts: Buffer[]): string {
  const md5s = parts.map((p) => createHash('md5').update(p).digest());
  return `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
}

/** Part sizes that pass EntityTooSmall: every part but the last is 5 MiB. */
export function randomParts(count: number, lastSize = 1000): Buffer[] {
  return Array.from({ length: count }, (_, i) => randomBytes(i === count - 1 ? lastSize : MIN_PART));
}

export interface UploadedParts {
  uploadId: string;
  parts: CompletedPart[];
}

/** Creates an upload and sends `parts` in order; the completed-part list echoes what UploadPart answered. */
export async function startAndUpload(
  client: S3Client,
  input: CreateMultipartUploadCommandInput,
  parts: Buffer[],
  partOptions: { ChecksumAlgorithm?: ChecksumAlgorithm } = {},
): Promise<UploadedParts> {
  const created = await client.send(new CreateMultipartUploadCommand(input));
  const uploadId = created.UploadId!;
  const done: CompletedPart[] = [];
  for (const [i, body] of parts.entries()) {
    const r = await client.send(new UploadPartCommand({ Bucket: input.Bucket, Key: input.Key, UploadId: uploadId, PartNumber: i + 1, Body: body, ...partOptions }));
    done.push({
      PartNumber: i + 1,
      ETag: r.ETag,
      ChecksumCRC32: r.ChecksumCRC32,
      ChecksumCRC32C: r.ChecksumCRC32C,
      ChecksumCRC64NVME: r.ChecksumCRC64NVME,
      ChecksumSHA1: r.ChecksumSHA1,
      ChecksumSHA256: r.ChecksumSHA256,
    });
  }
  return { uploadId, parts: done };
}

export function complete(client: S3Client, bucket: string, key: string, uploaded: UploadedParts, extra: Partial<ConstructorParameters<typeof CompleteMultipartUploadCommand>[0]> = {}) {
  return client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploaded.uploadId, MultipartUpload: { Parts: uploaded.parts }, ...extra }));
}
