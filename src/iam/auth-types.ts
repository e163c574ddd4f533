/** The shapes the front door exchanges with authenticate() and verifyPayload(). */
import type { Principal } from './credentials.js';
import type { PayloadVerification } from './content-sha256.js';

export type { PayloadVerification } from './content-sha256.js';

export interface AuthRequest {
  method: string;
  /** Path exactly as received, percent-encoded, without the query. */
  rawPath: string;
  /** Query string exactly as received, without '?'; may be ''. */
  rawQuery: string;
  /**
   * Lower-cased names; a repeated header's values trimmed and joined with ','
   * (not Node's ', ': SigV4 signs the comma alone). headersFromRaw builds this
   * from IncomingMessage.rawHeaders.
   */
  headers: Record<string, string>;
  /** Bucket the router derived, from the Host header or from the path. */
  bucket?: string;
  /**
   * True when `bucket` came from the Host header (virtual-hosted style). SigV2
   * signs `/bucket` + path then; with path-style the path already holds it.
   * Guessing from the path would let a path-style signature for key `k` also
   * authorise the virtual-hosted key `bucket/k`, so the router must say.
   */
  virtualHosted?: boolean;
  now: Date;
}

export interface AuthSettings {
  /** The region this endpoint serves; credential scopes must name it (or '' / 'US'). */
  region: string;
  /** Largest accepted |request time − server time| for header-signed requests; default 15 minutes. */
  maxSkewMs?: number;
}

export type AuthMethod = 'v4-header' | 'v4-query' | 'v2-header' | 'v2-query';

export type AuthResult =
  | { kind: 'anonymous'; payload: PayloadVerification }
  | { kind: 'authenticated'; principal: Principal; method: AuthMethod; payload: PayloadVerification };

export type Authenticated = Extract<AuthResult, { kind: 'authenticated' }>;
