import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import type { BodyDigests, IncomingBody } from '../../src/backends/backend.js';
import { createChecksumHasher, type ChecksumHasher } from '../../src/s3/checksums.js';
import type { ChecksumAlgorithm, Checksums } from '../../src/s3/types.js';

/**
 * Test stand-in for the front door's request body: passes the bytes through
 * while measuring size, MD5 and the asked-for checksums, so `digests()` is
 * valid once the stream has ended (and throws before, as misuse).
 */
export interface TestBodyOptions {
  checksums?: ChecksumAlgorithm[];
  /** Declared length; defaults to the buffer's length for Buffer input. */
  declaredSize?: number;
  /** Chunk size used to feed a Buffer (default 64 KiB), to exercise streaming. */
  chunkSize?: number;
}

export function testBody(data: Buffer | string | Readable, options: TestBodyOptions = {}): IncomingBody {
  const source = data instanceof Readable ? data : chunked(typeof data === 'string' ? Buffer.from(data) : data, options.chunkSize ?? 64 * 1024);
  const declaredSize = options.declaredSize ?? (data instanceof Readable ? undefined : Buffer.byteLength(data));
  const md5 = createHash('md5');
  const hashers = new Map<ChecksumAlgorithm, ChecksumHasher>((options.checksums ?? []).map((a) => [a, createChecksumHasher(a)]));
  let size = 0;
  let digests: BodyDigests | undefined;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      size += chunk.length;
      md5.update(chunk);
      for (const hasher of hashers.values()) hasher.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const checksums: Checksums = {};
      for (const [algorithm, hasher] of hashers) checksums[algorithm] = hasher.digestBase64();
      digests = { size, md5Hex: md5.digest('hex'), checksums };
      callback();
    },
  });
  source.on('error', (err) => meter.destroy(err));
  source.pipe(meter);
  const body: IncomingBody = {
    stream: meter,
    digests() {
      if (!digests) throw new Error('digests() called before the body ended');
      return digests;
    },
  };
  if (declaredSize !== undefined) body.declaredSize = declaredSize;
  return body;
}

/** A body that yields `goodBytes` bytes and then fails with `error` (as a bad digest or signature would). */
export function failingBody(goodBytes: number, error: Error): IncomingBody {
  let sent = false;
  const source = new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(goodBytes, 0x61));
        // Fail on a later tick so the good bytes reach the backend first.
        setTimeout(() => this.destroy(error), 20);
      }
    },
  });
  return testBody(source);
}

/** A body that yields some bytes and then stalls until destroyed (a client that stopped sending). */
export function stallingBody(bytes: number): IncomingBody {
  let sent = false;
  const source = new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(bytes, 0x62));
      }
    },
  });
  return testBody(source);
}

function chunked(buffer: Buffer, chunkSize: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= buffer.length) {
        this.push(null);
        return;
      }
      const end = Math.min(buffer.length, offset + chunkSize);
      this.push(buffer.subarray(offset, end));
      offset = end;
    },
  });
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
