import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DigestingStream, type BodyExpectations } from '../../../src/frontend/body-digests.js';
import { DigestBatches } from '../../../src/frontend/digest-batches.js';
import { DigestThreads } from '../../../src/frontend/digest-threads.js';
import { createChecksumHasher } from '../../../src/s3/checksums.js';
import { isS3Error } from '../../../src/s3/errors.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/s3/types.js';
import { pipeThrough } from './digesting-pipe.js';

// Small batches so that a body of a few hundred KiB crosses many batch edges on the threads.
const BATCH = 4096;
const threads = new DigestThreads(2, new DigestBatches(BATCH, 6));
afterAll(() => threads.close());

const md5Hex = (data: Buffer) => createHash('md5').update(data).digest('hex');
function checksum(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const h = createChecksumHasher(algorithm);
  h.update(data);
  return h.digestBase64();
}

/** Cuts data into chunks of the given sizes, cycling. */
function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, s = 0; i < data.length; s++) {
    const n = sizes[s % sizes.length];
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

async function digest(body: Buffer[] | AsyncIterable<Buffer>, expect_: Partial<BodyExpectations>, on = threads) {
  const stream = new DigestingStream({ checksums: [], expectedChecksum: () => undefined, ...expect_ }, () => on);
  return { ...(await pipeThrough(stream, Readable.from(body))), stream };
}

const BODY = randomBytes(300_000);

describe('DigestingStream on digest threads', () => {
  const chunkings: [string, number[]][] = [
    ['one byte then odd sizes', [1, 4095, 4097, 3, 8192, 12_289]],
    ['exactly one batch each', [BATCH]],
    ['larger than a batch', [3 * BATCH + 1]],
    ['tiny', [7, 13]],
  ];
  for (const [name, sizes] of chunkings) {
    it(`matches node:crypto for MD5 and every checksum (${name})`, async () => {
      const body = sizes[0] < 100 ? BODY.subarray(0, 30_000) : BODY;
      for (const algorithm of CHECKSUM_ALGORITHMS) {
        const outcome = await digest(chunked(body, sizes), { checksums: [algorithm], expectedChecksum: () => checksum(algorithm, body) });
        expect(outcome.error).toBeUndefined();
        expect(outcome.ended).toBe(true);
        expect(outcome.passed.equals(body)).toBe(true);
        expect(outcome.stream.digests()).toEqual({ size: body.length, md5Hex: md5Hex(body), checksums: { [algorithm]: checksum(algorithm, body) } });
      }
    });
  }

  it('bodies of exactly n batches, n batches ± 1 byte and under one batch', async () => {
    for (const size of [0, 1, BATCH - 1, BATCH, BATCH + 1, 5 * BATCH, 5 * BATCH + 1]) {
      const body = BODY.subarray(0, size);
      const outcome = await digest(chunked(body, [1000]), { length: size });
      expect(outcome.error, String(size)).toBeUndefined();
      expect(outcome.stream.digests().md5Hex, String(size)).toBe(md5Hex(body));
    }
  });

  it('many uploads at once share the batch budget and each gets its own digest', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => BODY.subarray(i * 1000, i * 1000 + 100_000 + i * 777));
    const outcomes = await Promise.all(bodies.map((body, i) => digest(chunked(body, [1 + i * 500, 3000]), {})));
    outcomes.forEach((outcome, i) => expect(outcome.stream.digests().md5Hex, String(i)).toBe(md5Hex(bodies[i])));
    expect(threads.batches.outstanding).toBe(0);
  });

  it('a mismatching Content-MD5 of an offloaded body is BadDigest before the end', async () => {
    const outcome = await digest(chunked(BODY, [5000]), { contentMd5: createHash('md5').update('other').digest('base64') });
    expect(isS3Error(outcome.error) && outcome.error.code).toBe('BadDigest');
    expect(outcome.ended).toBe(false);
  });

  it('a body that fails midway gives its batches back', async () => {
    async function* failing() {
      yield BODY.subarray(0, 3 * BATCH + 10);
      throw new Error('client went away');
    }
    const outcome = await digest(failing(), {});
    expect(outcome.error).toBeInstanceOf(Error);
    expect(outcome.ended).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50)); // batches in flight come back
    expect(threads.batches.outstanding).toBe(0);
  });
});

describe('a stalled upload and the batch budget', () => {
  it('does not keep its partly filled batch from another upload that needs one', async () => {
    const single = new DigestThreads(1, new DigestBatches(BATCH, 1));
    try {
      let resume!: () => void;
      const stalled = new Promise<void>((resolve) => (resume = resolve));
      const slowBody = BODY.subarray(0, 3 * BATCH + 100);
      async function* slow() {
        yield slowBody.subarray(0, 100); // takes the only batch, fills it partly, then the client stalls
        await stalled;
        yield slowBody.subarray(100);
      }
      const slowDigest = digest(slow(), {}, single);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const quickBody = BODY.subarray(1000, 1000 + 5 * BATCH);
      const quick = await digest(chunked(quickBody, [BATCH]), {}, single);
      expect(quick.stream.digests().md5Hex).toBe(md5Hex(quickBody));
      resume();
      const outcome = await slowDigest;
      expect(outcome.error).toBeUndefined();
      expect(outcome.stream.digests().md5Hex).toBe(md5Hex(slowBody));
    } finally {
      await single.close();
    }
  });
});

describe('digest thread failure', () => {
  it('a thread that dies mid-upload fails the upload (InternalError, no end), and later uploads get a new thread', async () => {
    const own = new DigestThreads(1, new DigestBatches(BATCH, 4));
    let killed = false;
    async function* body() {
      for (const chunk of chunked(BODY, [5000])) {
        yield chunk;
        if (!killed && own.running === 1) {
          killed = true;
          await own.close(); // as a crash: the thread exits with uploads on it
        }
      }
    }
    const outcome = await digest(body(), {}, own);
    expect(killed).toBe(true);
    expect(isS3Error(outcome.error) && outcome.error.code).toBe('InternalError');
    expect(outcome.ended).toBe(false);
    expect(() => outcome.stream.digests()).toThrow();

    const after = await digest(chunked(BODY, [5000]), {}, own);
    expect(after.error).toBeUndefined();
    expect(after.stream.digests().md5Hex).toBe(md5Hex(BODY));
    expect(own.batches.outstanding).toBe(0);
    await own.close();
  });
});

describe('DigestBatches', () => {
  it('hands out at most maxBatches and gives a returned batch to the next waiter', async () => {
    const batches = new DigestBatches(16, 2);
    const a = batches.take() as SharedArrayBuffer;
    batches.take();
    const waiting = batches.take();
    expect(waiting).toBeInstanceOf(Promise);
    batches.give(a);
    expect(await waiting).toBe(a);
    expect(batches.outstanding).toBe(2);
  });
});
