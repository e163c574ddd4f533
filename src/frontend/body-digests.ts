import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BodyDigests } from '../backends/backend.js';
import { CHECKSUM_BYTES, createChecksumHasher, type ChecksumHasher } from '../s3/checksums.js';
import { S3Error } from '../s3/errors.js';
import type { ChecksumAlgorithm, Checksums } from '../s3/types.js';

/** What the client promised about the body; values that arrive in trailers are read lazily. */
export interface BodyExpectations {
  /** Exact decoded length, when declared. */
  length?: number;
  /** Base64 Content-MD5. */
  contentMd5?: string;
  /** Checksum algorithms to compute; the expected value is looked up when the body ends. */
  checksums: ChecksumAlgorithm[];
  expectedChecksum(algorithm: ChecksumAlgorithm): string | undefined;
}

function assertWellFormedDigest(value: string, bytes: number, what: string): void {
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== bytes || decoded.toString('base64') !== value) {
    throw new S3Error('InvalidDigest', { message: `The ${what} you specified is not valid.` });
  }
}

/** Validates the shape of client-declared digests before any byte is stored. */
export function validateExpectations(expect: BodyExpectations): void {
  if (expect.contentMd5 !== undefined) assertWellFormedDigest(expect.contentMd5, 16, 'Content-MD5');
  for (const algorithm of expect.checksums) {
    const value = expect.expectedChecksum(algorithm);
    if (value !== undefined) assertWellFormedDigest(value, CHECKSUM_BYTES[algorithm], `x-amz-checksum-${algorithm.toLowerCase()}`);
  }
}

/**
 * Computes the ETag (MD5), the requested checksums and the length while the
 * body passes through, and fails the stream — before it ends, so nothing is
 * committed — when any of them disagrees with what the client declared.
 */
export class DigestingStream extends Transform {
  private readonly md5 = createHash('md5');
  private readonly hashers: [ChecksumAlgorithm, ChecksumHasher][];
  private size = 0;
  private result?: BodyDigests;

  constructor(private readonly expect: BodyExpectations) {
    super({ highWaterMark: 64 << 10 }); // small, like the proxy's in request-body.ts: memory per upload
    this.hashers = expect.checksums.map((a) => [a, createChecksumHasher(a)]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.expect.length !== undefined && this.size > this.expect.length) {
      done(new S3Error('IncompleteBody', { message: 'The request body is longer than its declared length.' }));
      return;
    }
    this.md5.update(chunk);
    for (const [, hasher] of this.hashers) hasher.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, void this.finish());
    } catch (err) {
      done(err as Error);
    }
  }

  private finish(): void {
    if (this.expect.length !== undefined && this.size !== this.expect.length) throw new S3Error('IncompleteBody');
    const md5 = this.md5.digest();
    if (this.expect.contentMd5 !== undefined && md5.toString('base64') !== this.expect.contentMd5) throw new S3Error('BadDigest');
    const checksums: Checksums = {};
    for (const [algorithm, hasher] of this.hashers) {
      const actual = hasher.digestBase64();
      const expected = this.expect.expectedChecksum(algorithm);
      if (expected === undefined) {
        throw new S3Error('InvalidRequest', { message: `The x-amz-checksum-${algorithm.toLowerCase()} trailer was announced but not sent.` });
      }
      assertWellFormedDigest(expected, CHECKSUM_BYTES[algorithm], `x-amz-checksum-${algorithm.toLowerCase()}`);
      if (actual !== expected) {
        throw new S3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
      }
      checksums[algorithm] = actual;
    }
    this.result = { size: this.size, md5Hex: md5.toString('hex'), checksums };
  }

  get bytesSeen(): number {
    return this.size;
  }

  digests(): BodyDigests {
    if (!this.result) throw new Error('body digests read before the body ended');
    return this.result;
  }
}
