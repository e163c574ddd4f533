/**
 * Streaming aws-chunked decoder. Input: the raw request body; output: the
 * object bytes. It never holds more than one chunk: unsigned chunks flow
 * straight through, a signed chunk is held until its signature verifies, so
 * no byte of a forged chunk ever reaches the backend. A body that ends early,
 * at any byte, errors (IncompleteBody) instead of ending cleanly.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../s3/errors.js';
import type { ChunkSigner } from './chunk-signer.js';
import { signaturesEqual } from './crypto-util.js';
import {
  canonicalTrailers, DEFAULT_MAX_CHUNK_SIZE, malformedBody, MAX_FRAMING_LINE, parseChunkHeader, parseTrailerLine,
  TRAILER_SIGNATURE,
} from './chunk-framing.js';

export interface AwsChunkedOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: every chunk is signed. */
  signer?: ChunkSigner;
  /** Trailer lines follow the final chunk (the *-TRAILER modes). */
  trailer: boolean;
  /** Names announced in x-amz-trailer; only these may appear. */
  allowedTrailers: ReadonlySet<string>;
  /** x-amz-decoded-content-length, when sent. */
  decodedLength?: number;
  maxChunkSize?: number;
}

type State = 'size-line' | 'data' | 'data-crlf' | 'end-crlf' | 'trailers' | 'done';

export class AwsChunkedDecoder extends Transform {
  /** True once the body itself failed verification (as opposed to being destroyed by a consumer). */
  failed = false;
  private readonly opts: AwsChunkedOptions;
  private state: State = 'size-line';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkSignature?: string;
  private chunkHash?: Hash;
  private held: Buffer[] = [];
  private previousSignature: string;
  private decoded = 0;
  private readonly received: Record<string, string> = Object.create(null);
  private trailerSignature?: string;
  private sawTrailerLine = false;
  private skippedBlank = false;

  constructor(opts: AwsChunkedOptions) {
    super();
    this.opts = opts;
    this.previousSignature = opts.signer?.seedSignature ?? '';
  }

  /** The trailers received (lower-cased names), complete once the stream has ended. */
  trailers(): Record<string, string> {
    return { ...this.received };
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (err) {
      this.failed = true;
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.finish();
      done();
    } catch (err) {
      this.failed = true;
      done(err as Error);
    }
  }

  private consume(input: Buffer): void {
    let at = 0;
    while (at < input.length) {
      switch (this.state) {
        case 'size-line':
        case 'end-crlf':
        case 'trailers': {
          const lineEnd = this.readLine(input, at);
          if (lineEnd === -1) return;
          at = lineEnd;
          this.onLine(this.takeLine());
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, input.length - at);
          this.onData(input.subarray(at, at + n));
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'data-crlf';
          break;
        }
        case 'data-crlf': {
          if (input[at] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw malformedBody();
          at++;
          if (++this.crlfSeen === 2) this.endChunk();
          break;
        }
        case 'done':
          throw malformedBody();
      }
    }
  }

  /** Gathers bytes up to '\n'; returns the offset after it, or -1 when the line continues in the next input. */
  private readLine(input: Buffer, at: number): number {
    const nl = input.indexOf(0x0a, at);
    const end = nl === -1 ? input.length : nl;
    this.lineLength += end - at;
    if (this.lineLength > MAX_FRAMING_LINE) throw malformedBody();
    this.line.push(input.subarray(at, end));
    return nl === -1 ? -1 : nl + 1;
  }

  private takeLine(): string {
    const bytes = Buffer.concat(this.line);
    this.line = [];
    this.lineLength = 0;
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0d) throw malformedBody();
    return bytes.subarray(0, bytes.length - 1).toString('latin1');
  }

  private onLine(line: string): void {
    if (this.state === 'size-line') return this.startChunk(line);
    if (this.state === 'end-crlf') {
      if (line !== '') throw malformedBody();
      this.state = 'done';
      return;
    }
    this.onTrailerLine(line);
  }

  private startChunk(line: string): void {
    const header = parseChunkHeader(line, this.opts.signer !== undefined, this.opts.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE);
    this.chunkSignature = header.signature;
    if (header.size === 0) {
      this.verifyChunk(createHash('sha256'));
      this.state = this.opts.trailer ? 'trailers' : 'end-crlf';
      return;
    }
    this.remaining = header.size;
    this.crlfSeen = 0;
    this.chunkHash = this.opts.signer ? createHash('sha256') : undefined;
    this.state = 'data';
  }

  private onData(data: Buffer): void {
    this.decoded += data.length;
    const expected = this.opts.decodedLength;
    if (expected !== undefined && this.decoded > expected) throw lengthMismatch(expected, this.decoded);
    if (this.chunkHash) {
      this.chunkHash.update(data);
      this.held.push(data);
    } else {
      this.push(data);
    }
  }

  private endChunk(): void {
    if (this.chunkHash) {
      this.verifyChunk(this.chunkHash);
      for (const piece of this.held) this.push(piece);
      this.held = [];
      this.chunkHash = undefined;
    }
    this.state = 'size-line';
  }

  private verifyChunk(hash: Hash): void {
    const signer = this.opts.signer;
    if (!signer) return;
    const expected = signer.chunkSignature(this.previousSignature, hash.digest('hex'));
    if (!signaturesEqual(this.chunkSignature ?? '', expected)) throw new S3Error('SignatureDoesNotMatch');
    this.previousSignature = expected;
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      // AWS's own example puts a blank line between the final chunk and the trailers; accept one.
      if (!this.sawTrailerLine && !this.skippedBlank) {
        this.skippedBlank = true;
        return;
      }
      this.state = 'done';
      return;
    }
    if (this.trailerSignature !== undefined) throw malformedBody();
    const { name, value } = parseTrailerLine(line);
    this.sawTrailerLine = true;
    if (name === TRAILER_SIGNATURE) {
      if (!this.opts.signer) return; // an unsigned body has nothing to check it with
      this.trailerSignature = value;
      const expected = this.opts.signer.trailerSignature(this.previousSignature, canonicalTrailers(this.received));
      if (!signaturesEqual(value, expected)) throw new S3Error('SignatureDoesNotMatch');
      return;
    }
    if (!this.opts.allowedTrailers.has(name) || name in this.received) {
      throw new S3Error('InvalidRequest', { message: `The trailing header ${name.slice(0, 64)} was not declared in x-amz-trailer.` });
    }
    this.received[name] = value;
  }

  /** Input ended: only a complete body may end the stream cleanly. */
  private finish(): void {
    // Trailers may end at EOF without the closing blank line (some signers omit it).
    const trailersEnded = this.state === 'trailers' && this.lineLength === 0 && this.line.length === 0;
    if (this.state !== 'done' && !trailersEnded) throw malformedBody();
    if (this.opts.signer && this.opts.trailer && this.sawTrailerLine && this.trailerSignature === undefined) {
      throw malformedBody();
    }
    const expected = this.opts.decodedLength;
    if (expected !== undefined && this.decoded !== expected) throw lengthMismatch(expected, this.decoded);
    if (this.opts.trailer) {
      for (const name of this.opts.allowedTrailers) if (!(name in this.received)) throw malformedBody();
    }
  }
}

function lengthMismatch(expected: number, provided: number): S3Error {
  return new S3Error('IncompleteBody', {
    extra: { NumberBytesExpected: String(expected), NumberBytesProvided: String(provided) },
  });
}
