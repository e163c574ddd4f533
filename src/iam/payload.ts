/**
 * Wraps a request body in the stream that verifies it: chunk signatures,
 * SHA-256, trailers and lengths, as authenticate() decided. Every error the
 * returned stream emits is an S3Error.
 */
import type { Readable, Transform } from 'node:stream';
import { S3Error, isS3Error } from '../s3/errors.js';
import type { AuthResult } from './auth-types.js';
import { AwsChunkedDecoder } from './aws-chunked-decoder.js';
import { announcedTrailers } from './chunk-framing.js';
import { headerValue } from './raw-headers.js';
import { LengthCheckedStream, Sha256VerifyingStream } from './sha256-verifier.js';

export interface VerifiedPayload {
  stream: Readable;
  /** Trailing headers of an aws-chunked body (lower-cased names); complete once `stream` has ended. */
  trailers(): Record<string, string>;
  /** The object's length as declared: x-amz-decoded-content-length for aws-chunked, else Content-Length. */
  decodedLength?: number;
}

function declaredLength(headers: Record<string, string>, name: string): number | undefined {
  const text = headerValue(headers, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text.trim())) {
    throw new S3Error('InvalidArgument', { message: `Invalid ${name} header`, extra: { ArgumentName: name } });
  }
  return Number(text.trim());
}

/**
 * Throws S3Error synchronously for header problems (bad lengths). The raw
 * stream is piped in; destroying the returned stream destroys `raw`. When the
 * returned stream fails verification itself, `raw` is left unpiped but
 * alive, so the front door can still write the error response on the
 * connection (and then close it or drain the rest).
 */
export function verifyPayload(raw: Readable, auth: AuthResult, headers: Record<string, string>): VerifiedPayload {
  const payload = auth.payload;
  if (payload.kind === 'chunked-signed' || payload.kind === 'chunked-unsigned-trailer') {
    const decodedLength = declaredLength(headers, 'x-amz-decoded-content-length');
    const decoder = new AwsChunkedDecoder({
      signer: payload.kind === 'chunked-signed' ? payload.signer : undefined,
      trailer: payload.kind === 'chunked-unsigned-trailer' || payload.trailer,
      allowedTrailers: announcedTrailers(headerValue(headers, 'x-amz-trailer')),
      decodedLength,
    });
    return { stream: connect(raw, decoder), trailers: () => decoder.trailers(), decodedLength };
  }
  const decodedLength = declaredLength(headers, 'content-length');
  const verifier =
    payload.kind === 'sha256'
      ? new Sha256VerifyingStream(payload.expectedSha256, decodedLength)
      : new LengthCheckedStream(decodedLength);
  return { stream: connect(raw, verifier), trailers: () => ({}), decodedLength };
}

/** Anything the raw stream throws (a reset socket, an aborted request) surfaces as IncompleteBody. */
function asS3Error(err: unknown): S3Error {
  return isS3Error(err) ? err : new S3Error('IncompleteBody', { message: 'The request body terminated unexpectedly', cause: err });
}

function connect(raw: Readable, out: Transform & { readonly failed: boolean }): Readable {
  // Stays attached after `out` closes: a later socket error on `raw` must not become an uncaught 'error'.
  raw.on('error', (err) => out.destroy(asS3Error(err)));
  out.once('close', () => {
    raw.unpipe(out);
    if (!out.failed && !raw.readableEnded && !raw.destroyed) raw.destroy();
  });
  raw.pipe(out);
  return out;
}
