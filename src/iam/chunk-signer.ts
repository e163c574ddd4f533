/**
 * The signature chain of an aws-chunked SigV4 body. Each chunk is signed over
 * the previous signature, seeded with the request's own signature, so chunks
 * cannot be reordered, dropped or spliced in from another request.
 *
 * The signing key and the seed signature sit in private fields: a logger that
 * serialises an AuthResult (pino walks enumerable properties) sees only the
 * date and scope (invariant 4).
 */
import { EMPTY_SHA256, sha256Hex } from './crypto-util.js';
import { signHex } from './signing-key.js';

export class ChunkSigner {
  readonly #key: Buffer;
  readonly #seed: string;
  readonly amzDate: string;
  readonly scope: string;

  constructor(signingKey: Buffer, amzDate: string, scope: string, seedSignature: string) {
    this.#key = signingKey;
    this.#seed = seedSignature;
    this.amzDate = amzDate;
    this.scope = scope;
  }

  /** The request's signature, which the first chunk's signature chains from. */
  get seedSignature(): string {
    return this.#seed;
  }

  /** Signature of one chunk (the final zero-length chunk included) given the previous one. */
  chunkSignature(previousSignature: string, chunkSha256Hex: string): string {
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', this.amzDate, this.scope, previousSignature, EMPTY_SHA256, chunkSha256Hex].join('\n');
    return signHex(this.#key, toSign);
  }

  /** Signature of the trailer block, chained from the final chunk's signature. */
  trailerSignature(previousSignature: string, canonicalTrailers: string): string {
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', this.amzDate, this.scope, previousSignature, sha256Hex(canonicalTrailers)].join('\n');
    return signHex(this.#key, toSign);
  }

  toJSON(): Record<string, string> {
    return { amzDate: this.amzDate, scope: this.scope };
  }
}
