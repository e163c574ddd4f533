import { Transform, type TransformCallback } from 'node:stream';
import type { BodyDigests } from '../backends/backend.js';
import { CHECKSUM_BYTES } from '../s3/checksums.js';
import { ContentDigests } from '../s3/content-digests.js';
import { S3Error } from '../s3/errors.js';
import type { ChecksumAlgorithm, Checksums } from '../s3/types.js';
import type { DigestValues } from './digest-messages.js';
import { DIGEST_BATCH_BYTES, DigestThreads } from './digest-threads.js';

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

/** Where a body's hashes run: here (small bodies) or on a digest thread (digest-threads.ts). */
interface BodyHasher {
  /** A promise when the chunk cannot be taken yet (backpressure); throws or rejects when hashing failed. */
  update(chunk: Buffer): Promise<void> | undefined;
  finish(): DigestValues | Promise<DigestValues>;
  abandon(): void;
}

class InlineHasher implements BodyHasher {
  private readonly digests: ContentDigests;
  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    this.digests = new ContentDigests(algorithms);
  }
  update(chunk: Buffer): undefined {
    this.digests.update(chunk);
  }
  finish(): DigestValues {
    return this.digests.result();
  }
  abandon(): void {}
}

/**
 * Bodies declared shorter than this are hashed on the event loop: a thread
 * round trip costs more than hashing them. Bodies of unknown length start
 * toward a digest thread, which hashes them here anyway if they end within
 * the first batch.
 */
export const OFFLOAD_MIN_BYTES = DIGEST_BATCH_BYTES;

let sharedThreads: DigestThreads | undefined;

/** The process's digest threads, started on first use. */
export function digestThreads(): DigestThreads {
  return (sharedThreads ??= new DigestThreads());
}

/**
 * Computes the ETag (MD5), the requested checksums and the length while the
 * body passes through, and fails the stream — before it ends, so nothing is
 * committed — when any of them disagrees with what the client declared, or
 * when they could not be computed. The chunks go on downstream as they came;
 * large bodies are hashed from copies on a digest thread, and the stream
 * ends only once their digests are back and verified.
 */
export class DigestingStream extends Transform {
  private readonly hasher: BodyHasher;
  private size = 0;
  private result?: BodyDigests;

  constructor(
    private readonly expect: BodyExpectations,
    threads: () => DigestThreads = digestThreads,
  ) {
    super({ highWaterMark: 64 << 10 }); // small, like the proxy's in request-body.ts: memory per upload
    const small = expect.length !== undefined && expect.length < OFFLOAD_MIN_BYTES;
    this.hasher = small ? new InlineHasher(expect.checksums) : threads().open(expect.checksums);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.expect.length !== undefined && this.size > this.expect.length) {
      done(new S3Error('IncompleteBody', { message: 'The request body is longer than its declared length.' }));
      return;
    }
    let waiting: Promise<void> | undefined;
    try {
      waiting = this.hasher.update(chunk);
    } catch (err) {
      done(err as Error);
      return;
    }
    if (waiting) waiting.then(() => done(null, chunk), (err: Error) => done(err));
    else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expect.length !== undefined && this.size !== this.expect.length) {
      done(new S3Error('IncompleteBody'));
      return;
    }
    Promise.resolve()
      .then(() => this.hasher.finish())
      .then((values) => this.verify(values))
      .then(() => done(), (err: Error) => done(err));
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    if (!this.result) this.hasher.abandon();
    done(err);
  }

  private verify(values: DigestValues): void {
    if (values.size !== this.size) throw new S3Error('InternalError', { message: 'Body digests disagree with the bytes received' });
    if (this.expect.contentMd5 !== undefined && Buffer.from(values.md5Hex, 'hex').toString('base64') !== this.expect.contentMd5) throw new S3Error('BadDigest');
    const checksums: Checksums = {};
    for (const algorithm of this.expect.checksums) {
      const actual = values.checksums[algorithm];
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
    this.result = { size: this.size, md5Hex: values.md5Hex, checksums };
  }

  get bytesSeen(): number {
    return this.size;
  }

  digests(): BodyDigests {
    if (!this.result) throw new Error('body digests read before the body ended');
    return this.result;
  }
}
