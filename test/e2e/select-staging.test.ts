import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backends/backend.js';
import { S3Error } from '../../src/s3/errors.js';
import { ObjectChanged, splitRanges, stageRanges } from '../../src/select/ranged-staging.js';
import { parseSelectRequest } from '../../src/select/request.js';
import { pinnedObject, stageSelectInput, type ParallelStaging } from '../../src/select/select-input.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Parallel staging of a Select's input, on both backends: several ranged
 * reads written into one file, all of one version of the object. Ranges are
 * made small (and odd-sized) so a small object spans many.
 */
const bucket = 'select-staging';
const dir = mkdtempSync(join(tmpdir(), 'cairn-ranged-staging-'));
let files = 0;
const nextPath = (): string => join(dir, `input-${files++}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL_RANGES: ParallelStaging = { minBytes: 1, rangeBytes: 64 * 1024 + 7, concurrency: 3 };
const ranged = { rangeBytes: SMALL_RANGES.rangeBytes, concurrency: SMALL_RANGES.concurrency };

it('splits an object into ordered, covering ranges', () => {
  expect(splitRanges(10, 4)).toEqual([{ start: 0, end: 3 }, { start: 4, end: 7 }, { start: 8, end: 9 }]);
  expect(splitRanges(8, 4)).toEqual([{ start: 0, end: 3 }, { start: 4, end: 7 }]);
  expect(splitRanges(0, 4)).toEqual([]);
});

describe.each(['erasure', 'local'] as const)('parallel staging (%s backend)', (kind) => {
  let server: TestServer;
  let s3: S3Client;
  let backend: Backend;

  beforeAll(async () => {
    server = await startTestServer({}, { backend: kind });
    s3 = server.client();
    backend = server.cairn.deps.registry.resolve(bucket);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  async function put(key: string, body: Buffer): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  const target = (key: string, over: Backend = backend) => ({ backend: over, bucket, key, signal: new AbortController().signal });

  /** The backend, with `before` run ahead of the n-th ranged getObject (1-based) and `body` replacing what it returns. */
  function intercepted(nth: number, hooks: { before?: () => Promise<void>; body?: (body: Readable) => Readable }): Backend {
    let ranges = 0;
    return Object.assign(Object.create(backend) as Backend, {
      async getObject(...args: Parameters<Backend['getObject']>) {
        const isNth = args[2].range !== undefined && ++ranges === nth;
        if (isNth) await hooks.before?.();
        const result = await backend.getObject(...args);
        return isNth && hooks.body ? { ...result, body: hooks.body(result.body) } : result;
      },
    });
  }

  const csvRequest = (recordDelimiter = '\n') =>
    parseSelectRequest(
      Buffer.from(
        '<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType>' +
          `<InputSerialization><CSV><FileHeaderInfo>NONE</FileHeaderInfo><RecordDelimiter>${recordDelimiter}</RecordDelimiter></CSV></InputSerialization>` +
          '<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>',
      ),
    );

  it('writes every range of a multi-range object byte for byte', async () => {
    const data = randomBytes(1024 * 1024 + 12_345);
    await put('random.bin', data);
    const info = await backend.headObject(bucket, 'random.bin', {});
    const path = nextPath();
    const staged = await stageRanges(pinnedObject(target('random.bin'), info), path, ranged);
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(staged).toEqual({ bytesScanned: data.length, bytesProcessed: data.length });
  });

  it('stages a large uncompressed CSV through the parallel path, rewriting an unusual record delimiter', async () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `${i},name-${i}`).join(';') + ';';
    await put('rows.csv', Buffer.from(text));
    const path = nextPath();
    let ranges = 0;
    const counting = Object.assign(Object.create(backend) as Backend, {
      getObject(...args: Parameters<Backend['getObject']>) {
        if (args[2].range) ranges++;
        return backend.getObject(...args);
      },
    });
    const staged = await stageSelectInput(csvRequest(';'), target('rows.csv', counting), path, undefined, SMALL_RANGES);
    expect(readFileSync(path, 'utf8')).toBe(text.replaceAll(';', '\n'));
    expect(staged.bytesProcessed).toBe(text.length);
    expect(ranges).toBe(splitRanges(text.length, SMALL_RANGES.rangeBytes).length);
  });

  it('never mixes versions: an overwrite between ranges restages the new version whole', async () => {
    const before = Buffer.alloc(400_000, 'a');
    const after = Buffer.alloc(400_000, 'b');
    await put('changing.csv', before);
    const overwriting = intercepted(3, { before: () => put('changing.csv', after) });

    const info = await backend.headObject(bucket, 'changing.csv', {});
    const path = nextPath();
    await expect(stageRanges(pinnedObject(target('changing.csv', overwriting), info), path, ranged)).rejects.toBeInstanceOf(ObjectChanged);
    expect(existsSync(path)).toBe(false);

    await put('changing.csv', before);
    const again = nextPath();
    await stageSelectInput(csvRequest(), target('changing.csv', intercepted(3, { before: () => put('changing.csv', after) })), again, undefined, SMALL_RANGES);
    expect(readFileSync(again).equals(after)).toBe(true);
  });

  it('a failing range stops the others, removes the file and reports its error', async () => {
    const data = randomBytes(600_000);
    await put('failing.bin', data);
    const failure = new S3Error('InternalError', { message: 'drive gone' });
    const breaking = intercepted(4, {
      body: (body) => {
        async function* halfThenFail(): AsyncGenerator<Buffer> {
          for await (const chunk of body as AsyncIterable<Buffer>) {
            yield chunk.subarray(0, chunk.length >> 1);
            throw failure;
          }
        }
        return Readable.from(halfThenFail(), { objectMode: false });
      },
    });
    const info = await backend.headObject(bucket, 'failing.bin', {});
    const path = nextPath();
    await expect(stageRanges(pinnedObject(target('failing.bin', breaking), info), path, ranged)).rejects.toBe(failure);
    expect(existsSync(path)).toBe(false);
  });

  it('stops and removes the file when the client leaves', async () => {
    const data = randomBytes(600_000);
    await put('leaving.bin', data);
    const client = new AbortController();
    const leaving = intercepted(2, { before: async () => client.abort() });
    const info = await backend.headObject(bucket, 'leaving.bin', {});
    const path = nextPath();
    const staging = stageRanges(pinnedObject({ ...target('leaving.bin', leaving), signal: client.signal }, info), path, { ...ranged, signal: client.signal });
    await expect(staging).rejects.toMatchObject({ code: 'RequestTimeout' });
    expect(existsSync(path)).toBe(false);
  });
});
