import { createHash } from 'node:crypto';
import type { Backend, CreateMultipartOptions, MultipartCompletion } from '../../src/backends/backend.js';
import type { ChecksumAlgorithm, ObjectInfo, UploadedPart } from '../../src/s3/types.js';
import { testBody } from './body.js';
import { meta } from './harness.js';

/** Test helpers for multipart uploads: what the front door would compute and hand to the backend. */

export async function startUpload(backend: Backend, bucket: string, key: string, options: Partial<CreateMultipartOptions> = {}): Promise<string> {
  const upload = await backend.createMultipartUpload(bucket, key, { meta: meta(), ...options });
  return upload.uploadId;
}

export async function sendPart(
  backend: Backend,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  data: Buffer | string,
  checksums: ChecksumAlgorithm[] = [],
): Promise<UploadedPart> {
  return backend.uploadPart(bucket, key, uploadId, partNumber, testBody(data, { checksums }));
}

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-N". */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}

/** The completion the front door would send for `parts` (in the order given). */
export function completionOf(parts: UploadedPart[], extra: Partial<MultipartCompletion> = {}): MultipartCompletion {
  return {
    parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
    etag: multipartEtag(parts.map((p) => p.etag)),
    checksums: {},
    ...extra,
  };
}

export async function completeWith(
  backend: Backend,
  bucket: string,
  key: string,
  uploadId: string,
  parts: UploadedPart[],
  extra: Partial<MultipartCompletion> = {},
): Promise<ObjectInfo> {
  return backend.completeMultipartUpload(bucket, key, uploadId, completionOf(parts, extra));
}

/** Deterministic, distinct bytes for part `n`. */
export function partData(n: number, size = 1000 + n * 37): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + n * 7) & 0xff;
  return data;
}
