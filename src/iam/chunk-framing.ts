/**
 * The pieces of aws-chunked framing, as pure functions:
 *
 *   hex-size[;chunk-signature=sig]\r\n  data  \r\n   … repeated …
 *   0[;chunk-signature=sig]\r\n
 *   then either \r\n (no trailers) or trailer lines `name:value\r\n`,
 *   optionally x-amz-trailer-signature:sig\r\n, then \r\n.
 *
 * AWS answers any framing fault with IncompleteBody ("The request body
 * terminated unexpectedly"), which is what these throw.
 */
import { S3Error } from '../s3/errors.js';

/** Longest chunk-size or trailer line accepted; real ones are under 200 bytes. */
export const MAX_FRAMING_LINE = 4096;
/** Largest chunk accepted: SDKs send 64 KiB–8 MiB; a signed chunk is held whole until verified. */
export const DEFAULT_MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

export function malformedBody(): S3Error {
  return new S3Error('IncompleteBody', { message: 'The request body terminated unexpectedly' });
}

export interface ChunkHeader {
  size: number;
  /** Present when the line carried `;chunk-signature=`. */
  signature?: string;
}

/**
 * Parses a chunk-size line (without its CRLF). Signed bodies must carry
 * exactly one `chunk-signature` extension; unsigned ones may carry
 * extensions, which are ignored as HTTP/1.1 chunked decoding ignores them.
 */
export function parseChunkHeader(line: string, signed: boolean, maxChunkSize: number): ChunkHeader {
  const [hex, ...extensions] = line.split(';');
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformedBody();
  const size = parseInt(hex, 16);
  if (size > maxChunkSize) {
    throw new S3Error('InvalidRequest', { message: `aws-chunked chunk of ${size} bytes exceeds the ${maxChunkSize}-byte limit.` });
  }
  if (!signed) return { size };
  if (extensions.length !== 1 || !extensions[0].startsWith('chunk-signature=')) throw malformedBody();
  const signature = extensions[0].slice('chunk-signature='.length);
  if (signature === '') throw malformedBody();
  return { size, signature };
}

/** `Name: value` → lower-cased name and trimmed value. */
export function parseTrailerLine(line: string): { name: string; value: string } {
  const colon = line.indexOf(':');
  if (colon <= 0) throw malformedBody();
  return { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
}

/** x-amz-trailer: `x-amz-checksum-crc32, x-amz-checksum-sha256` → lower-cased names. */
export function announcedTrailers(header: string | undefined): Set<string> {
  const names = (header ?? '').split(',').map((n) => n.trim().toLowerCase());
  return new Set(names.filter((n) => n !== ''));
}

/** What the trailer signature covers: `name:value\n` per trailer, sorted by name. */
export function canonicalTrailers(trailers: Record<string, string>): string {
  return Object.keys(trailers)
    .sort()
    .map((name) => `${name}:${trailers[name]}\n`)
    .join('');
}
