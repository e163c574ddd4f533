import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, sendSigned, signRaw, type RawRequest } from '../helpers/raw-request.js';
import { REGION, SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * aws-chunked uploads end to end: signed chunks, signed chunks with a
 * checksum trailer, unsigned chunks with a trailer (the SDKs' default), built
 * here with node:crypto independently of the server's decoder.
 */
let server: TestServer;
const bucket = 'streaming';

beforeAll(async () => {
  server = await startTestServer();
  expect((await sendSigned(server.port, { method: 'PUT', path: `/${bucket}` })).status).toBe(200);
});
afterAll(async () => server?.stop());

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const crc32 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE((zlib as unknown as { crc32(d: Buffer): number }).crc32(data));
  return out.toString('base64');
};

function signingKey(date: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${SECRET_KEY}`, date), REGION), 's3'), 'aws4_request');
}

/** Builds a signed aws-chunked body chained from the request's seed signature. */
function signedChunks(req: RawRequest, data: Buffer, chunkSize: number, trailer?: [string, string]): string | Buffer {
  const auth = req.headers!.authorization;
  const seed = /Signature=([0-9a-f]{64})/.exec(auth)![1];
  const amzDate = req.headers!['x-amz-date'];
  const scope = `${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
  const key = signingKey(amzDate.slice(0, 8));
  const parts: Buffer[] = [];
  let previous = seed;
  const sign = (chunk: Buffer) => {
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha256(''), sha256(chunk)].join('\n');
    previous = createHmac('sha256', key).update(toSign).digest('hex');
    return previous;
  };
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    const chunk = data.subarray(offset, offset + chunkSize);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sign(chunk)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0;chunk-signature=${sign(Buffer.alloc(0))}\r\n`));
  if (trailer) {
    const trailerText = `${trailer[0]}:${trailer[1]}\n`;
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, sha256(trailerText)].join('\n');
    const trailerSig = createHmac('sha256', key).update(toSign).digest('hex');
    parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`));
  } else {
    parts.push(Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

async function getBytes(key: string): Promise<Buffer> {
  const res = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/${key}` });
  expect(res.status).toBe(200);
  return res.body;
}

describe('aws-chunked uploads', () => {
  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signature verified, bytes stored exactly', async () => {
    const data = randomBytes(200_000);
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) };
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/signed`, headers }, { payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
    const res = await sendRaw(server.port, { ...signed, body: signedChunks(signed, data, 65536) });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    expect((await getBytes('signed')).equals(data)).toBe(true);
  });

  it('a tampered chunk is SignatureDoesNotMatch and nothing is stored', async () => {
    const data = randomBytes(150_000);
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) };
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/tampered`, headers }, { payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' });
    const body = Buffer.from(signedChunks(signed, data, 65536));
    body[body.length - 200] ^= 0xff;
    const res = await sendRaw(server.port, { ...signed, body });
    expect({ status: res.status, code: res.code }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    expect((await sendSigned(server.port, { method: 'HEAD', path: `/${bucket}/tampered` })).status).toBe(404);
  });

  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the CRC32 trailer is verified and stored', async () => {
    const data = randomBytes(100_000);
    const headers = {
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    };
    const signed = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/trailer`, headers }, { payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' });
    const res = await sendRaw(server.port, { ...signed, body: signedChunks(signed, data, 32768, ['x-amz-checksum-crc32', crc32(data)]) });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-amz-checksum-crc32']).toBe(crc32(data));
    const head = await sendSigned(server.port, { method: 'HEAD', path: `/${bucket}/trailer`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers['x-amz-checksum-crc32']).toBe(crc32(data));
  });

  it('STREAMING-UNSIGNED-PAYLOAD-TRAILER: a right trailer stores, a wrong one is BadDigest', async () => {
    const data = randomBytes(70_000);
    const frame = (checksum: string) =>
      Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`)]);
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': 'x-amz-checksum-crc32' };
    const ok = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/unsigned`, headers }, { payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
    expect((await sendRaw(server.port, { ...ok, body: frame(crc32(data)) })).status).toBe(200);
    expect((await getBytes('unsigned')).equals(data)).toBe(true);
    const bad = await signRaw(server.port, { method: 'PUT', path: `/${bucket}/unsigned-bad`, headers }, { payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
    const res = await sendRaw(server.port, { ...bad, body: frame('AAAAAA==') });
    expect({ status: res.status, code: res.code }).toEqual({ status: 400, code: 'BadDigest' });
    expect((await sendSigned(server.port, { method: 'HEAD', path: `/${bucket}/unsigned-bad` })).status).toBe(404);
  });

  it('the JS SDK streams a body of known length with its default checksum trailer', async () => {
    const s3 = server.client();
    const seen: Record<string, string>[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        seen.push({ ...((args.request as { headers: Record<string, string> }).headers ?? {}) });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'captureHeaders' },
    );
    const data = randomBytes(3 * 1024 * 1024 + 11);
    const pieces = Array.from({ length: 13 }, (_, i) => data.subarray(i * 250_000, (i + 1) * 250_000)).filter((b) => b.length > 0);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sdk-stream', Body: Readable.from(pieces), ContentLength: data.length }));
    expect(seen.at(-1)?.['x-amz-content-sha256']).toMatch(/^STREAMING-/);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sdk-stream', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    expect(got.ChecksumCRC32).toBe(crc32(data));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sdk-stream' }));
    expect(head.ContentLength).toBe(data.length);
  });
});
