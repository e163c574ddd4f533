/**
 * Request authentication for the S3 front door: decides which scheme a
 * request uses, verifies it, and says what the body wrapper must check.
 * Throws S3Error; never logs, and never puts key material in an error.
 */
import { S3Error } from '../s3/errors.js';
import type { AuthRequest, AuthResult, AuthSettings } from './auth-types.js';
import type { CredentialStore } from './credentials.js';
import { unsignedAuthPayload } from './content-sha256.js';
import { headerValue } from './raw-headers.js';
import { verifyV2Header, verifyV2Query } from './sigv2-verify.js';
import { verifyV4Header } from './sigv4-header.js';
import { verifyV4Query } from './sigv4-query.js';
import { parseQuery } from './uri-encoding.js';

export type { AuthMethod, AuthRequest, AuthResult, AuthSettings, Authenticated, PayloadVerification } from './auth-types.js';

const V4_QUERY_MARKERS = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-signature']);

/** Which credential carriers a request uses. */
function credentialCarriers(headers: Record<string, string>, rawQuery: string) {
  const names = parseQuery(rawQuery).map((p) => p.name);
  return {
    authorization: headerValue(headers, 'authorization'),
    v4Query: names.some((n) => V4_QUERY_MARKERS.has(n.toLowerCase())),
    v2Query: names.includes('AWSAccessKeyId') || names.includes('Signature'),
  };
}

/** Whether a request carries any S3 signature (header or query), valid or not; a bearer token is not one. */
export function carriesS3Credentials(headers: Record<string, string>, rawQuery: string): boolean {
  const c = credentialCarriers(headers, rawQuery);
  return (c.authorization !== undefined && !c.authorization.startsWith('Bearer ')) || c.v4Query || c.v2Query;
}

export async function authenticate(req: AuthRequest, store: CredentialStore, settings: AuthSettings): Promise<AuthResult> {
  const { authorization, v4Query, v2Query } = credentialCarriers(req.headers, req.rawQuery);

  if ([authorization !== undefined, v4Query, v2Query].filter(Boolean).length > 1) {
    throw new S3Error('InvalidArgument', {
      message:
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      extra: { ArgumentName: 'Authorization' },
    });
  }
  if (authorization !== undefined) {
    if (authorization.startsWith('AWS4-HMAC-SHA256 ')) return verifyV4Header(req, authorization, store, settings);
    if (authorization.startsWith('AWS ')) return verifyV2Header(req, authorization, store, settings);
    if (authorization.startsWith('AWS4-ECDSA-P256-SHA256')) {
      throw new S3Error('NotImplemented', { message: 'SigV4a (AWS4-ECDSA-P256-SHA256) is not implemented.' });
    }
    throw new S3Error('InvalidArgument', {
      message: 'Unsupported Authorization Type',
      extra: { ArgumentName: 'Authorization' },
    });
  }
  if (v4Query) return verifyV4Query(req, store, settings);
  if (v2Query) return verifyV2Query(req, store);
  // No credentials at all: the caller decides (today: AccessDenied until bucket policies exist).
  return { kind: 'anonymous', payload: unsignedAuthPayload(req.headers) };
}
