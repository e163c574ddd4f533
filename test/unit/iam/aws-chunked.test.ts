/**
 * aws-chunked bodies built here with an independent implementation of the
 * chunk-signing rules, decoded through verifyPayload in odd slice sizes.
 */
import { createHash, createHmac } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { authenticate } from '../../../src/iam/authenticate.js';
import type { AuthResult } from '../../../src/iam/auth-types.js';
import { verifyPayload } from '../../../src/iam/payload.js';
import { S3Error } from '../../../src/s3/errors.js';
import { collect, request, s3ErrorOf, sliced } from './helpers.js';
import { now, SECRET, settings, signed, store } from './sdk-signer.js';

const hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const AMZ_DATE = '20240601T120000Z';
const SCOPE = '20240601/us-east-1/s3/aws4_request';
const KEY = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, '20240601'), 'us-east-1'), 's3'), 'aws4_request');

function chunkSig(previous: string, data: Buffer): string {
  const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', AMZ_DATE, SCOPE, previous, hex(''), hex(data)].join('\n');
  return hmac(KEY, toSign).toString('hex');
}

/** Frames `chunks` (a final empty chunk is added); signed when `seed` is given. */
function frame(chunks: Buffer[], opts: { seed?: string; trailers?: Record<string, string> } = {}): Buffer {
  const parts: Buffer[] = [];
  let previous = opts.seed ?? '';
  for (const data of [...chunks, Buffer.alloc(0)]) {
    let line = data.length.toString(16);
    if (opts.seed) {
      previous = chunkSig(previous, data);
      line += `;chunk-signature=${previous}`;
    }
    parts.push(Buffer.from(`${line}\r\n`));
    if (data.length > 0) parts.push(data, Buffer.from('\r\n'));
  }
  if (!opts.trailers) {
    parts.push(Buffer.from('\r\n'));
    return Buffer.concat(parts);
  }
  let block = '';
  for (const [name, value] of Object.entries(opts.trailers)) block += `${name}:${value}\r\n`;
  if (opts.seed) {
    const canonical = Object.keys(opts.trailers).sort().map((n) => `${n}:${opts.trailers![n]}\n`).join('');
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', AMZ_DATE, SCOPE, previous, hex(canonical)].join('\n');
    block += `x-amz-trailer-signature:${hmac(KEY, toSign).toString('hex')}\r\n`;
  }
  parts.push(Buffer.from(block + '\r\n'));
  return Buffer.concat(parts);
}

const CHUNKS = [Buffer.alloc(8192, 'x'), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31) & 255)), Buffer.from('tail')];
const DATA = Buffer.concat(CHUNKS);

async function signedAuth(mode: string, extraHeaders: Record<string, string> = {}) {
  const req = await signed({ method: 'PUT', payloadHash: mode, headers: { 'content-encoding': 'aws-chunked', ...extraHeaders } });
  const seed = /Signature=([0-9a-f]{64})/.exec(req.headers.authorization)![1];
  return { auth: await authenticate(req, store, settings), headers: req.headers, seed };
}

async function decodeError(body: Buffer | Readable, auth: AuthResult, headers: Record<string, string>, slice = 0) {
  const raw = Buffer.isBuffer(body) ? sliced(body, slice) : body;
  return s3ErrorOf(collect(verifyPayload(raw, auth, headers).stream));
}

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', () => {
  test('decodes in any slicing', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', { 'x-amz-decoded-content-length': String(DATA.length) });
    const body = frame(CHUNKS, { seed });
    for (const slice of [1, 7, 0]) {
      expect((await collect(verifyPayload(sliced(body, slice), auth, headers).stream)).equals(DATA)).toBe(true);
    }
  });

  test('a flipped data byte fails before any byte of that chunk is emitted', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    const body = frame(CHUNKS, { seed });
    const at = body.indexOf(CHUNKS[1]) + 100;
    body[at] ^= 1;
    const out = verifyPayload(sliced(body, 7), auth, headers).stream;
    const emitted: Buffer[] = [];
    const err = await new Promise<unknown>((resolve) => {
      out.on('data', (d: Buffer) => emitted.push(d));
      out.on('error', resolve);
      out.on('end', () => resolve(undefined));
    });
    expect(err).toBeInstanceOf(S3Error);
    expect((err as S3Error).code).toBe('SignatureDoesNotMatch');
    expect(Buffer.concat(emitted).equals(CHUNKS[0])).toBe(true);
  });

  test('chunks signed for another request, or reordered, fail', async () => {
    const { auth, headers } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect((await decodeError(frame(CHUNKS, { seed: 'f'.repeat(64) }), auth, headers)).code).toBe('SignatureDoesNotMatch');
  });

  test('every truncation errors; none ends cleanly', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    const small = [Buffer.from('hello'), Buffer.from('world!')];
    const body = frame(small, { seed });
    expect((await collect(verifyPayload(sliced(body, 3), auth, headers).stream)).toString()).toBe('helloworld!');
    for (let cut = 0; cut < body.length; cut++) {
      const err = await decodeError(body.subarray(0, cut), auth, headers, 4);
      expect(err.code).toBe('IncompleteBody');
    }
  });

  test('framing faults are IncompleteBody; oversize chunks and length mismatches are refused', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    const good = frame([Buffer.from('hello')], { seed });
    const text = good.toString('latin1');
    for (const bad of [
      text.replace('5;chunk-signature=', '5;chunk-sig='),
      text.replace('5;chunk-signature=', 'zz;chunk-signature='),
      text.replace('hello\r\n', 'hello\n'),
      text.replace('hello\r\n', 'helloXY'),
      text + 'extra',
    ]) {
      expect((await decodeError(Buffer.from(bad, 'latin1'), auth, headers)).code).toBe('IncompleteBody');
    }
    const huge = Buffer.from(`1000001;chunk-signature=${'0'.repeat(64)}\r\n`);
    expect((await decodeError(huge, auth, headers)).code).toBe('InvalidRequest');
    const wrongLength = { ...headers, 'x-amz-decoded-content-length': '4' };
    const err = await decodeError(good, auth, wrongLength);
    expect(err.code).toBe('IncompleteBody');
    expect(err.extra).toEqual({ NumberBytesExpected: '4', NumberBytesProvided: '5' });
    expect((await decodeError(good, auth, { ...headers, 'x-amz-decoded-content-length': '6' })).code).toBe('IncompleteBody');
  });
});

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', () => {
  const trailers = { 'x-amz-checksum-crc32': 'AAAAAA==' };

  test('decodes data and the signed trailer in any slicing', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { 'x-amz-trailer': 'x-amz-checksum-crc32' });
    const body = frame(CHUNKS, { seed, trailers });
    for (const slice of [1, 7, 0]) {
      const payload = verifyPayload(sliced(body, slice), auth, headers);
      expect((await collect(payload.stream)).equals(DATA)).toBe(true);
      expect(payload.trailers()).toEqual(trailers);
    }
  });

  test('a missing trailer signature, a changed value or an unannounced trailer fail', async () => {
    const { auth, headers, seed } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { 'x-amz-trailer': 'x-amz-checksum-crc32' });
    const text = frame(CHUNKS, { seed, trailers }).toString('latin1');
    expect((await decodeError(Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1'), auth, headers)).code).toBe('IncompleteBody');
    expect((await decodeError(Buffer.from(text.replace('AAAAAA==', 'AAAAAB=='), 'latin1'), auth, headers)).code).toBe('SignatureDoesNotMatch');
    const other = frame(CHUNKS, { seed, trailers: { 'x-amz-checksum-sha256': 'x' } });
    expect((await decodeError(other, auth, headers)).code).toBe('InvalidRequest');
    expect((await decodeError(frame(CHUNKS, { seed }), auth, headers)).code).toBe('IncompleteBody');
  });
});

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const headers = {
    host: 'h',
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-trailer': 'x-amz-checksum-crc32',
    'x-amz-decoded-content-length': String(DATA.length),
  };
  const body = frame(CHUNKS, { trailers: { 'x-amz-checksum-crc32': 'q8ns8w==' } });

  test('signed request and anonymous request both decode, in any slicing', async () => {
    const { auth, headers: signedHeaders } = await signedAuth('STREAMING-UNSIGNED-PAYLOAD-TRAILER', {
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': String(DATA.length),
    });
    const anonymous = await authenticate(request({ now, method: 'PUT', headers }), store, settings);
    expect(anonymous).toEqual({ kind: 'anonymous', payload: { kind: 'chunked-unsigned-trailer' } });
    for (const [result, h] of [[auth, signedHeaders], [anonymous, headers]] as const) {
      for (const slice of [1, 7, 0]) {
        const payload = verifyPayload(sliced(body, slice), result, h);
        expect((await collect(payload.stream)).equals(DATA)).toBe(true);
        expect(payload.trailers()).toEqual({ 'x-amz-checksum-crc32': 'q8ns8w==' });
        expect(payload.decodedLength).toBe(DATA.length);
      }
    }
  });

  test('truncation anywhere errors; a missing announced trailer errors', async () => {
    const anonymous = await authenticate(request({ now, method: 'PUT', headers }), store, settings);
    const small = frame([Buffer.from('abc')], { trailers: { 'x-amz-checksum-crc32': 'x' } });
    const h = { ...headers, 'x-amz-decoded-content-length': '3' };
    for (let cut = 0; cut < small.length - 2; cut++) {
      expect((await decodeError(small.subarray(0, cut), anonymous, h)).code).toBe('IncompleteBody');
    }
    expect((await decodeError(frame([Buffer.from('abc')]), anonymous, h)).code).toBe('IncompleteBody');
  });
});

describe('the raw stream', () => {
  test('destroying the verified stream destroys the raw one', async () => {
    const { auth, headers } = await signedAuth('UNSIGNED-PAYLOAD');
    const raw = new PassThrough();
    const payload = verifyPayload(raw, auth, headers);
    raw.write('partial');
    payload.stream.destroy();
    await new Promise((r) => setImmediate(r));
    expect(raw.destroyed).toBe(true);
  });

  test('a verification failure leaves the raw stream alive for the error response', async () => {
    const { auth, headers } = await signedAuth('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    const raw = new PassThrough();
    const payload = verifyPayload(raw, auth, headers);
    raw.write('zz;chunk-signature=00\r\n');
    const err = await s3ErrorOf(collect(payload.stream));
    expect(err.code).toBe('IncompleteBody');
    expect(raw.destroyed).toBe(false);
  });

  test('a raw stream error surfaces as an S3Error', async () => {
    const { auth, headers } = await signedAuth('UNSIGNED-PAYLOAD');
    const raw = new PassThrough();
    const payload = verifyPayload(raw, auth, headers);
    setImmediate(() => raw.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    const err = await s3ErrorOf(collect(payload.stream));
    expect(err.code).toBe('IncompleteBody');
  });
});
