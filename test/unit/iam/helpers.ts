/** Shared fixtures for the iam tests (not a test file itself). */
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { RootCredentialStore } from '../../../src/iam/credentials.js';
import type { AuthRequest } from '../../../src/iam/auth-types.js';
import { S3Error } from '../../../src/s3/errors.js';

/** AWS's S3 documentation credentials. */
export const DOC_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const docStore = new RootCredentialStore(DOC_KEY, DOC_SECRET);

/** The SHA-256 constructor @smithy/signature-v4 wants, on node:crypto. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** RFC 3986 encoding as the SDKs put it on the wire. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query object (as @smithy/signature-v4 returns it) → raw query string. */
export function rawQueryOf(query: Record<string, string | string[] | null | undefined> = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(v === null || v === undefined ? rfc3986(name) : `${rfc3986(name)}=${rfc3986(v)}`);
    }
  }
  return parts.join('&');
}

export function lowerHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function request(partial: Partial<AuthRequest> & { now: Date }): AuthRequest {
  return { method: 'GET', rawPath: '/', rawQuery: '', headers: {}, ...partial };
}

/** A readable that delivers `body` in slices of `size` bytes (size 0 = one piece). */
export function sliced(body: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  if (size <= 0) pieces.push(body);
  else for (let i = 0; i < body.length; i += size) pieces.push(body.subarray(i, i + size));
  return Readable.from(pieces, { objectMode: false });
}

/** Reads a stream to the end; rejects with whatever it errors with. */
export async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** The S3Error a promise rejects with (fails the test if it resolves or throws something else). */
export async function s3ErrorOf(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3Error) return err;
    throw err;
  }
  throw new Error('expected an S3Error, but the promise resolved');
}
