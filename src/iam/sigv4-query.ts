/** Presigned SigV4: the signature and its parameters in the query string. */
import { S3Error } from '../s3/errors.js';
import type { Authenticated, AuthRequest, AuthSettings } from './auth-types.js';
import { requireCredential, type CredentialStore } from './credentials.js';
import { ChunkSigner } from './chunk-signer.js';
import { signedPayload, UNSIGNED_PAYLOAD, unsignedAuthPayload } from './content-sha256.js';
import { signaturesEqual } from './crypto-util.js';
import { DEFAULT_MAX_SKEW_MS, parseAmzDate } from './request-time.js';
import { deriveSigningKey, signHex } from './signing-key.js';
import { signatureMismatch } from './signature-mismatch.js';
import { parseSignedHeaders, requireSignedHeaders } from './sigv4-authorization-header.js';
import { canonicalRequestForms, SIGV4_ALGORITHM, stringToSign } from './sigv4-canonical.js';
import { MALFORMED_CREDENTIAL, parseCredential, queryMalformed, scopeProblem, scopeString } from './sigv4-credential.js';
import { parseQuery, type QueryParam } from './uri-encoding.js';

/** AWS's ceiling on X-Amz-Expires: seven days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

function paramError(message: string): S3Error {
  return new S3Error('AuthorizationQueryParametersError', { message });
}

/** Parameter names are matched case-insensitively: signers differ (X-Amz-Content-Sha256 vs x-amz-content-sha256). */
function param(params: readonly QueryParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === lower)?.value;
}

function parseExpires(text: string): number {
  if (!/^-?\d+$/.test(text)) throw paramError('X-Amz-Expires should be a number');
  const seconds = Number(text);
  if (seconds < 0) throw paramError('X-Amz-Expires must be non-negative');
  if (seconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    throw paramError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}`);
  }
  return seconds;
}

export async function verifyV4Query(req: AuthRequest, store: CredentialStore, settings: AuthSettings): Promise<Authenticated> {
  const params = parseQuery(req.rawQuery);
  const algorithm = param(params, 'X-Amz-Algorithm');
  if (algorithm === 'AWS4-ECDSA-P256-SHA256') {
    throw new S3Error('NotImplemented', { message: 'SigV4a (ECDSA) presigned requests are not implemented.' });
  }
  if (algorithm !== undefined && algorithm !== SIGV4_ALGORITHM) {
    throw paramError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  }
  const credentialText = param(params, 'X-Amz-Credential');
  const amzDate = param(params, 'X-Amz-Date');
  const expiresText = param(params, 'X-Amz-Expires');
  const signedHeadersText = param(params, 'X-Amz-SignedHeaders');
  const signature = param(params, 'X-Amz-Signature');
  if (!algorithm || !credentialText || !amzDate || !expiresText || !signedHeadersText || !signature) {
    throw paramError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }

  const credential = parseCredential(credentialText);
  if (!credential) throw queryMalformed(MALFORMED_CREDENTIAL);
  const time = parseAmzDate(amzDate);
  if (!time) throw paramError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  const expires = parseExpires(expiresText);
  const problem = scopeProblem(credential, settings.region, amzDate);
  if (problem) throw queryMalformed(problem);

  const signedHeaders = parseSignedHeaders(signedHeadersText);
  requireSignedHeaders(req.headers, signedHeaders);
  const account = await requireCredential(store, credential.accessKeyId);

  // A URL signed by a client whose clock runs ahead is refused until its time comes (within the skew).
  const maxSkew = settings.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (time.getTime() - req.now.getTime() > maxSkew) {
    throw new S3Error('AccessDenied', { message: 'Request is not valid yet' });
  }
  const expiresAt = new Date(time.getTime() + expires * 1000);
  if (req.now.getTime() > expiresAt.getTime()) {
    throw new S3Error('AccessDenied', {
      message: 'Request has expired',
      extra: { 'X-Amz-Expires': expiresText, Expires: expiresAt.toISOString(), ServerTime: req.now.toISOString() },
    });
  }

  // The signature covers X-Amz-Content-Sha256 when present; otherwise the payload is unsigned.
  const contentSha = param(params, 'X-Amz-Content-Sha256');
  const scope = scopeString(credential);
  const forms = canonicalRequestForms({
    method: req.method,
    rawPath: req.rawPath,
    query: params,
    excludeQuery: (name) => name.toLowerCase() === 'x-amz-signature',
    headers: req.headers,
    signedHeaders,
    payloadHash: contentSha ?? UNSIGNED_PAYLOAD,
  });
  const key = deriveSigningKey(account.secretAccessKey, credential.date, credential.region, credential.service);
  const candidates = forms.map((canonical) => stringToSign(amzDate, scope, canonical));
  if (!candidates.some((toSign) => signaturesEqual(signature, signHex(key, toSign)))) {
    throw signatureMismatch(credential.accessKeyId, candidates[candidates.length - 1]);
  }

  return {
    kind: 'authenticated',
    principal: account.principal,
    method: 'v4-query',
    payload:
      contentSha === undefined
        ? unsignedAuthPayload(req.headers)
        : signedPayload(contentSha, () => new ChunkSigner(key, amzDate, scope, signature)),
  };
}
