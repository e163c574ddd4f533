/**
 * What the x-amz-content-sha256 header says about the body, and what the body
 * wrapper must therefore check (PayloadVerification).
 */
import { S3Error } from '../s3/errors.js';
import type { ChunkSigner } from './chunk-signer.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const STREAMING_ECDSA = 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD';
const STREAMING_ECDSA_TRAILER = 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER';

export type ContentSha256Mode =
  | 'absent'
  | 'unsigned'
  | 'sha256'
  | 'streaming-signed'
  | 'streaming-signed-trailer'
  | 'streaming-unsigned-trailer'
  /** SigV4a (ECDSA) streaming: recognised, not implemented. */
  | 'streaming-ecdsa'
  | 'invalid';

/** Classifies an x-amz-content-sha256 value (header or presigned query parameter). */
export function contentSha256Mode(value: string | undefined): ContentSha256Mode {
  if (value === undefined) return 'absent';
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return 'unsigned';
    case STREAMING_SIGNED:
      return 'streaming-signed';
    case STREAMING_SIGNED_TRAILER:
      return 'streaming-signed-trailer';
    case STREAMING_UNSIGNED_TRAILER:
      return 'streaming-unsigned-trailer';
    case STREAMING_ECDSA:
    case STREAMING_ECDSA_TRAILER:
      return 'streaming-ecdsa';
  }
  return /^[0-9a-fA-F]{64}$/.test(value) ? 'sha256' : 'invalid';
}

/** True when the body is aws-chunked framed (the front door must decode it and strip aws-chunked from Content-Encoding). */
export function isAwsChunkedMode(mode: ContentSha256Mode): boolean {
  return mode === 'streaming-signed' || mode === 'streaming-signed-trailer' || mode === 'streaming-unsigned-trailer';
}

/** What the body wrapper verifies; produced by authenticate(), consumed by verifyPayload(). */
export type PayloadVerification =
  /** Nothing to check beyond the declared length. */
  | { kind: 'unsigned' }
  /** Single chunk: the body's SHA-256 must equal this (lower-case hex). */
  | { kind: 'sha256'; expectedSha256: string }
  /** aws-chunked with a signature per chunk (and, with `trailer`, a signed trailer block). */
  | { kind: 'chunked-signed'; trailer: boolean; signer: ChunkSigner }
  /** aws-chunked without signatures, trailers after the last chunk. */
  | { kind: 'chunked-unsigned-trailer' };

function invalidValue(value: string): S3Error {
  return new S3Error('InvalidArgument', {
    message:
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, ' +
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, ' +
      'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    extra: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value.slice(0, 128) },
  });
}

function sigV4aNotImplemented(): S3Error {
  return new S3Error('NotImplemented', { message: 'SigV4a (ECDSA) streaming payloads are not implemented.' });
}

/**
 * Payload check for a SigV4 request whose signature covers `value` (the
 * x-amz-content-sha256 header, or the presigned X-Amz-Content-Sha256). The
 * signer is only used by the signed streaming modes.
 */
export function signedPayload(value: string, signer: () => ChunkSigner): PayloadVerification {
  switch (contentSha256Mode(value)) {
    case 'unsigned':
      return { kind: 'unsigned' };
    case 'sha256':
      return { kind: 'sha256', expectedSha256: value.toLowerCase() };
    case 'streaming-signed':
      return { kind: 'chunked-signed', trailer: false, signer: signer() };
    case 'streaming-signed-trailer':
      return { kind: 'chunked-signed', trailer: true, signer: signer() };
    case 'streaming-unsigned-trailer':
      return { kind: 'chunked-unsigned-trailer' };
    case 'streaming-ecdsa':
      throw sigV4aNotImplemented();
    case 'absent':
    case 'invalid':
      throw invalidValue(value);
  }
}

/** Checks the header form before signing: S3 requires it on every SigV4 header-signed request. */
export function requireContentSha256Header(headers: Record<string, string>): string {
  const value = headers['x-amz-content-sha256'];
  if (value === undefined) {
    throw new S3Error('InvalidRequest', { message: 'Missing required header for this request: x-amz-content-sha256' });
  }
  const mode = contentSha256Mode(value);
  if (mode === 'invalid') throw invalidValue(value);
  if (mode === 'streaming-ecdsa') throw sigV4aNotImplemented();
  return value;
}

/**
 * Payload check when no SigV4 signature covers the header (anonymous, SigV2,
 * presigned without X-Amz-Content-Sha256). A hex digest is still verified,
 * as an integrity check; unsigned aws-chunked bodies are still decoded; signed
 * chunks cannot be verified without a SigV4 header signature to seed them.
 */
export function unsignedAuthPayload(headers: Record<string, string>): PayloadVerification {
  const value = headers['x-amz-content-sha256'];
  switch (contentSha256Mode(value)) {
    case 'absent':
    case 'unsigned':
      return { kind: 'unsigned' };
    case 'sha256':
      return { kind: 'sha256', expectedSha256: (value as string).toLowerCase() };
    case 'streaming-unsigned-trailer':
      return { kind: 'chunked-unsigned-trailer' };
    case 'streaming-signed':
    case 'streaming-signed-trailer':
      throw new S3Error('InvalidRequest', {
        message: `${value} requires a request signed with AWS Signature Version 4 in the Authorization header.`,
      });
    case 'streaming-ecdsa':
      throw sigV4aNotImplemented();
    case 'invalid':
      throw invalidValue(value as string);
  }
}

/** True when verifyPayload will decode aws-chunked framing for this payload. */
export function isAwsChunkedPayload(payload: PayloadVerification): boolean {
  return payload.kind === 'chunked-signed' || payload.kind === 'chunked-unsigned-trailer';
}

/**
 * The Content-Encoding to store for an aws-chunked upload: the request's
 * value without the `aws-chunked` token (S3 does not keep it), or undefined
 * when nothing else remains.
 */
export function storedContentEncoding(contentEncoding: string | undefined): string | undefined {
  if (contentEncoding === undefined) return undefined;
  const kept = contentEncoding
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return kept.length > 0 ? kept.join(',') : undefined;
}
