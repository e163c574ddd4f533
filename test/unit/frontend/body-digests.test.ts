import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DigestingStream, validateExpectations, type BodyExpectations } from '../../../src/frontend/body-digests.js';
import { createChecksumHasher } from '../../../src/s3/checksums.js';
import { isS3Error, type S3Error } from '../../../src/s3/errors.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from '../../../src/s3/types.js';
import { thrown } from '../../helpers/errors.js';
import { pipeThrough, type PipeOutcome } from './digesting-pipe.js';

const md5Base64 = (data: Buffer) => createHash('md5').update(data).digest('base64');
const md5Hex = (data: Buffer) => createHash('md5').update(data).digest('hex');
function checksum(algorithm: ChecksumAlgorithm, data: Buffer): string {
  const h = createChecksumHasher(algorithm);
  h.update(data);
  return h.digestBase64();
}

function expectations(partial: Partial<BodyExpectations> = {}): BodyExpectations {
  return { checksums: [], expectedChecksum: () => undefined, ...partial };
}

/** Splits data into irregular chunks. */
function slices(data: Buffer, sizes = [1, 3, 7, 64, 1000]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  let s = 0;
  while (i < data.length) {
    const n = sizes[s++ % sizes.length];
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

interface Outcome extends PipeOutcome {
  stream: DigestingStream;
}

async function run(expect_: BodyExpectations, chunks: Buffer[] | (() => AsyncGenerator<Buffer>)): Promise<Outcome> {
  const stream = new DigestingStream(expect_);
  const source = typeof chunks === 'function' ? Readable.from(chunks()) : Readable.from(chunks, { objectMode: false });
  return { ...(await pipeThrough(stream, source)), stream };
}

function s3Error(outcome: Outcome): S3Error {
  if (!isS3Error(outcome.error)) throw new Error(`expected an S3Error, got ${String(outcome.error)}`);
  return outcome.error;
}


const BODY = randomBytes(5000);

describe('DigestingStream: digests', () => {
  it('passes the body through unchanged and reports size and MD5 hex', async () => {
    const outcome = await run(expectations(), slices(BODY));
    expect(outcome.error).toBeUndefined();
    expect(outcome.ended).toBe(true);
    expect(outcome.passed.equals(BODY)).toBe(true);
    expect(outcome.stream.digests()).toEqual({ size: BODY.length, md5Hex: md5Hex(BODY), checksums: {} });
    expect(outcome.stream.bytesSeen).toBe(BODY.length);
  });

  it('handles an empty body', async () => {
    const outcome = await run(expectations({ length: 0, contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' }), []);
    expect(outcome.error).toBeUndefined();
    expect(outcome.stream.digests()).toEqual({ size: 0, md5Hex: 'd41d8cd98f00b204e9800998ecf8427e', checksums: {} });
  });

  it('digests() before the body ends is an error, not a wrong answer', () => {
    const stream = new DigestingStream(expectations());
    expect(() => stream.digests()).toThrow();
    stream.destroy();
  });

  it('bytesSeen counts bytes as they pass', async () => {
    const stream = new DigestingStream(expectations());
    stream.resume();
    await new Promise<void>((resolve) => stream.write(Buffer.alloc(10), () => resolve()));
    expect(stream.bytesSeen).toBe(10);
    stream.destroy();
  });

  for (const algorithm of CHECKSUM_ALGORITHMS) {
    it(`verifies and reports a ${algorithm} checksum given in a header`, async () => {
      const value = checksum(algorithm, BODY);
      const outcome = await run(expectations({ checksums: [algorithm], expectedChecksum: (a) => (a === algorithm ? value : undefined) }), slices(BODY));
      expect(outcome.error).toBeUndefined();
      expect(outcome.stream.digests().checksums).toEqual({ [algorithm]: value });
      expect(outcome.stream.digests().md5Hex).toBe(md5Hex(BODY));
    });
  }
});

describe('DigestingStream: Content-MD5', () => {
  it('accepts a matching Content-MD5', async () => {
    const outcome = await run(expectations({ contentMd5: md5Base64(BODY), length: BODY.length }), slices(BODY));
    expect(outcome.error).toBeUndefined();
    expect(outcome.ended).toBe(true);
  });

  it('a mismatching Content-MD5 is BadDigest, raised before the stream ends', async () => {
    const outcome = await run(expectations({ contentMd5: md5Base64(Buffer.from('something else')) }), slices(BODY));
    const err = s3Error(outcome);
    expect(err.code).toBe('BadDigest');
    expect(err.status).toBe(400);
    expect(outcome.ended).toBe(false);
  });
});

describe('DigestingStream: checksums', () => {
  it('a mismatching header checksum is BadDigest before the stream ends', async () => {
    const wrong = checksum('CRC32', Buffer.from('other'));
    const outcome = await run(expectations({ checksums: ['CRC32'], expectedChecksum: () => wrong }), slices(BODY));
    expect(s3Error(outcome).code).toBe('BadDigest');
    expect(outcome.ended).toBe(false);
  });

  it('a checksum of the right shape but wrong algorithm is BadDigest', async () => {
    // A CRC32C value sent as CRC32: well-formed (4 bytes) but different.
    const outcome = await run(expectations({ checksums: ['CRC32'], expectedChecksum: () => checksum('CRC32C', BODY) }), [BODY]);
    expect(s3Error(outcome).code).toBe('BadDigest');
  });

  it('reads a trailer value lazily, only once the body has been read', async () => {
    const value = checksum('CRC64NVME', BODY);
    let trailer: string | undefined;
    const askedWhile: (string | undefined)[] = [];
    const expect_ = expectations({
      checksums: ['CRC64NVME'],
      expectedChecksum: () => {
        askedWhile.push(trailer);
        return trailer;
      },
    });
    const outcome = await run(expect_, async function* () {
      for (const chunk of slices(BODY)) yield chunk;
      trailer = value; // the trailer arrives after the last body byte
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.ended).toBe(true);
    expect(outcome.stream.digests().checksums).toEqual({ CRC64NVME: value });
    expect(askedWhile).toEqual([value]);
  });

  it('a trailer value that does not match is BadDigest before the end', async () => {
    let trailer: string | undefined;
    const outcome = await run(expectations({ checksums: ['SHA256'], expectedChecksum: () => trailer }), async function* () {
      yield BODY;
      trailer = checksum('SHA256', Buffer.from('tampered'));
    });
    expect(s3Error(outcome).code).toBe('BadDigest');
    expect(outcome.ended).toBe(false);
  });

  it('an announced trailer that never arrives is InvalidRequest', async () => {
    const outcome = await run(expectations({ checksums: ['CRC32C'], expectedChecksum: () => undefined }), [BODY]);
    expect(s3Error(outcome).code).toBe('InvalidRequest');
    expect(outcome.ended).toBe(false);
  });

  it('a malformed trailer value is InvalidDigest', async () => {
    let trailer: string | undefined;
    const outcome = await run(expectations({ checksums: ['CRC32'], expectedChecksum: () => trailer }), async function* () {
      yield BODY;
      trailer = 'not base64!';
    });
    expect(s3Error(outcome).code).toBe('InvalidDigest');
    expect(outcome.ended).toBe(false);
  });
});

describe('DigestingStream: declared length', () => {
  it('accepts a body of exactly the declared length', async () => {
    const outcome = await run(expectations({ length: BODY.length }), slices(BODY));
    expect(outcome.error).toBeUndefined();
    expect(outcome.stream.digests().size).toBe(BODY.length);
  });

  it('a shorter body is IncompleteBody at the end, and the end is not reached', async () => {
    const outcome = await run(expectations({ length: BODY.length + 1 }), slices(BODY));
    const err = s3Error(outcome);
    expect(err.code).toBe('IncompleteBody');
    expect(err.status).toBe(400);
    expect(outcome.ended).toBe(false);
  });

  it('a longer body is IncompleteBody as soon as it exceeds the declared length', async () => {
    const declared = 100;
    const outcome = await run(expectations({ length: declared }), slices(BODY));
    expect(s3Error(outcome).code).toBe('IncompleteBody');
    expect(outcome.ended).toBe(false);
    // No byte beyond the declared length reaches the consumer.
    expect(outcome.passed.length).toBeLessThanOrEqual(declared);
    expect(outcome.stream.bytesSeen).toBeLessThan(BODY.length);
  });

  it('one byte too many is IncompleteBody', async () => {
    const outcome = await run(expectations({ length: 4 }), [Buffer.from('abcde')]);
    expect(s3Error(outcome).code).toBe('IncompleteBody');
    expect(outcome.passed.length).toBe(0);
  });

  it('a declared length of zero with a non-empty body is IncompleteBody', async () => {
    const outcome = await run(expectations({ length: 0 }), [Buffer.from('x')]);
    expect(s3Error(outcome).code).toBe('IncompleteBody');
  });

  it('length is checked before digests (a truncated body is IncompleteBody, not BadDigest)', async () => {
    const outcome = await run(expectations({ length: BODY.length, contentMd5: md5Base64(BODY) }), [BODY.subarray(0, 10)]);
    expect(s3Error(outcome).code).toBe('IncompleteBody');
  });
});

describe('validateExpectations', () => {
  it('accepts well-formed Content-MD5 and checksum values', () => {
    expect(thrown(() => validateExpectations(expectations({ contentMd5: md5Base64(BODY) })))).toBeUndefined();
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const value = checksum(algorithm, BODY);
      expect(thrown(() => validateExpectations(expectations({ checksums: [algorithm], expectedChecksum: () => value }))), algorithm).toBeUndefined();
    }
  });

  it('accepts a trailer whose value is not known yet', () => {
    expect(thrown(() => validateExpectations(expectations({ checksums: ['CRC32'], expectedChecksum: () => undefined })))).toBeUndefined();
  });

  it('a malformed Content-MD5 is InvalidDigest (400)', () => {
    for (const bad of [
      '',
      'abc',
      'not base64 at all!',
      md5Hex(BODY), // hex instead of base64: a common client mistake
      md5Base64(BODY).replace(/=+$/, ''), // unpadded
      createHash('sha1').update(BODY).digest('base64'), // 20 bytes
      Buffer.alloc(15).toString('base64'), // 15 bytes
      ` ${md5Base64(BODY)}`,
    ]) {
      const err = thrown(() => validateExpectations(expectations({ contentMd5: bad })));
      expect(err?.code, JSON.stringify(bad)).toBe('InvalidDigest');
      expect(err?.status).toBe(400);
    }
  });

  it('a checksum header of the wrong size for its algorithm is InvalidDigest', () => {
    const cases: [ChecksumAlgorithm, string][] = [
      ['CRC32', checksum('CRC64NVME', BODY)],
      ['CRC32C', checksum('SHA1', BODY)],
      ['CRC64NVME', checksum('CRC32', BODY)],
      ['SHA1', checksum('SHA256', BODY)],
      ['SHA256', checksum('SHA1', BODY)],
      ['CRC32', 'zzzz'],
      ['SHA256', ''],
    ];
    for (const [algorithm, value] of cases) {
      const err = thrown(() => validateExpectations(expectations({ checksums: [algorithm], expectedChecksum: () => value })));
      expect(err?.code, `${algorithm} ${value}`).toBe('InvalidDigest');
    }
  });
});
