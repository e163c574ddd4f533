/**
 * A copy's source bytes presented as an IncomingBody, so a copy is written
 * exactly like a PUT: size, MD5 and the asked-for checksums are computed as
 * the bytes stream through (a multipart source's copy gets a plain MD5 ETag
 * and full-object checksums, as on AWS).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { S3Error } from '../../s3/errors.js';
import type { ChecksumAlgorithm } from '../../s3/types.js';
import type { BodyDigests, IncomingBody } from '../backend.js';
import { ContentDigests } from '../../s3/content-digests.js';

export function digestingBody(source: Readable, size: number, algorithms: readonly ChecksumAlgorithm[]): IncomingBody {
  const digests = new ContentDigests(algorithms);
  let result: BodyDigests | undefined;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      digests.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      result = digests.result();
      // The source is read by quorum and verified block by block; a short read is still a failure.
      callback(result.size === size ? null : new S3Error('InternalError', { message: `copy source yielded ${result.size} of ${size} bytes` }));
    },
  });
  source.on('error', (err) => meter.destroy(err));
  meter.on('close', () => source.destroy());
  source.pipe(meter);
  return {
    stream: meter,
    declaredSize: size,
    digests() {
      if (!result) throw new Error('digests() called before the copy source ended');
      return result;
    },
  };
}
