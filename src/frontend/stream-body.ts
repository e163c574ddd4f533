import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { IncomingBody } from '../backends/backend.js';
import { createChecksumHasher, type ChecksumHasher } from '../s3/checksums.js';
import type { ChecksumAlgorithm } from '../s3/types.js';
import { DigestingStream } from './body-digests.js';

/**
 * Request-like bodies built from streams the server itself reads (a copy
 * source), and checksums the server computes where the client sent none.
 */

/**
 * An IncomingBody over a stream read from storage: the ETag and length are
 * computed on the way through; a source error fails the body, so the
 * destination never commits a partial copy.
 */
export function incomingBodyFrom(source: Readable, declaredSize?: number): IncomingBody {
  const digesting = new DigestingStream({ length: declaredSize, checksums: [], expectedChecksum: () => undefined });
  source.on('error', (err) => digesting.destroy(err));
  digesting.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  return { stream: source.pipe(digesting), declaredSize, digests: () => digesting.digests() };
}

/** Computes checksums of whatever passes, without expectations. */
class ChecksumTap extends Transform {
  private readonly hashers: [ChecksumAlgorithm, ChecksumHasher][];
  private values?: Partial<Record<ChecksumAlgorithm, string>>;

  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    super({ highWaterMark: 1 << 20 });
    this.hashers = algorithms.map((a) => [a, createChecksumHasher(a)]);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const [, hasher] of this.hashers) hasher.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.values = Object.fromEntries(this.hashers.map(([a, h]) => [a, h.digestBase64()]));
    done();
  }

  checksums(): Partial<Record<ChecksumAlgorithm, string>> {
    if (!this.values) throw new Error('checksums read before the body ended');
    return this.values;
  }
}

/**
 * The body with `algorithm`'s checksum added to its digests when the client
 * did not send it (S3 computes the upload's algorithm for a part sent
 * without one). A client-sent value was already verified and is kept.
 */
export function withChecksum(body: IncomingBody, algorithm: ChecksumAlgorithm): IncomingBody {
  const tap = new ChecksumTap([algorithm]);
  body.stream.on('error', (err) => tap.destroy(err));
  tap.on('close', () => {
    if (!body.stream.destroyed && !body.stream.readableEnded) body.stream.destroy();
  });
  return {
    stream: body.stream.pipe(tap),
    declaredSize: body.declaredSize,
    digests: () => {
      const inner = body.digests();
      return { ...inner, checksums: { ...tap.checksums(), ...inner.checksums } };
    },
  };
}
