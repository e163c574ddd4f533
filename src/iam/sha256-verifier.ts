/**
 * Pass-through streams for single-chunk bodies. Both check the byte count
 * against the declared length, so a body cut short never ends cleanly; the
 * SHA-256 one also compares the digest in flush, i.e. before the stream ends
 * successfully, so a backend never commits a body that did not match.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../s3/errors.js';

export class LengthCheckedStream extends Transform {
  /** True once the body itself failed verification (as opposed to being destroyed by a consumer). */
  failed = false;
  protected received = 0;

  constructor(private readonly expectedLength?: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.expectedLength !== undefined && this.received > this.expectedLength) {
      return this.fail(done, incomplete(this.expectedLength, this.received));
    }
    this.observe(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expectedLength !== undefined && this.received !== this.expectedLength) {
      return this.fail(done, incomplete(this.expectedLength, this.received));
    }
    const mismatch = this.check();
    if (mismatch) return this.fail(done, mismatch);
    done();
  }

  private fail(done: TransformCallback, err: S3Error): void {
    this.failed = true;
    done(err);
  }

  protected observe(_chunk: Buffer): void {}

  protected check(): S3Error | null {
    return null;
  }
}

export class Sha256VerifyingStream extends LengthCheckedStream {
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly expectedSha256: string, expectedLength?: number) {
    super(expectedLength);
  }

  protected override observe(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  protected override check(): S3Error | null {
    const computed = this.hash.digest('hex');
    if (computed === this.expectedSha256) return null;
    return new S3Error('XAmzContentSHA256Mismatch', {
      extra: { ClientComputedContentSHA256: this.expectedSha256, S3ComputedContentSHA256: computed },
    });
  }
}

function incomplete(expected: number, provided: number): S3Error {
  return new S3Error('IncompleteBody', {
    extra: { NumberBytesExpected: String(expected), NumberBytesProvided: String(provided) },
  });
}
