import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DigestingStream } from '../../../src/frontend/body-digests.js';

/** What a consumer of a DigestingStream saw. */
export interface PipeOutcome {
  error?: unknown;
  /** Bytes that made it through to the consumer. */
  passed: Buffer;
  /** Whether the consumer saw the end of the stream (i.e. would commit). */
  ended: boolean;
}

/** Pipes `source` through `stream` into a collecting sink. */
export async function pipeThrough(stream: DigestingStream, source: Readable): Promise<PipeOutcome> {
  const received: Buffer[] = [];
  let ended = false;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      received.push(chunk);
      done();
    },
    final(done) {
      ended = true;
      done();
    },
  });
  let error: unknown;
  await pipeline(source, stream, sink).catch((err: unknown) => (error = err));
  return { error, passed: Buffer.concat(received), ended };
}
