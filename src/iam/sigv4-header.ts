/** SigV4 with the Authorization header. */
import type { Authenticated, AuthRequest, AuthSettings } from './auth-types.js';
import { requireCredential, type CredentialStore } from './credentials.js';
import { ChunkSigner } from './chunk-signer.js';
import { requireContentSha256Header, signedPayload } from './content-sha256.js';
import { signaturesEqual } from './crypto-util.js';
import { checkSkew, DEFAULT_MAX_SKEW_MS, formatAmzDate, headerRequestTime, parseAmzDate } from './request-time.js';
import { deriveSigningKey, signHex } from './signing-key.js';
import { signatureMismatch } from './signature-mismatch.js';
import { parseV4Authorization, requireSignedHeaders } from './sigv4-authorization-header.js';
import { canonicalRequestForms, stringToSign } from './sigv4-canonical.js';
import { headerMalformed, MALFORMED_CREDENTIAL, parseCredential, scopeProblem, scopeString } from './sigv4-credential.js';
import { parseQuery } from './uri-encoding.js';

export async function verifyV4Header(
  req: AuthRequest,
  authorization: string,
  store: CredentialStore,
  settings: AuthSettings,
): Promise<Authenticated> {
  const auth = parseV4Authorization(authorization);
  const credential = parseCredential(auth.credential);
  if (!credential) throw headerMalformed(MALFORMED_CREDENTIAL);

  const { time, sent } = headerRequestTime(req.headers);
  // The string to sign carries the basic ISO form; a Date-header-only request signs its conversion.
  const amzDate = parseAmzDate(sent) ? sent : formatAmzDate(time);
  const problem = scopeProblem(credential, settings.region, amzDate);
  if (problem) throw headerMalformed(problem);

  const payloadHash = requireContentSha256Header(req.headers);
  requireSignedHeaders(req.headers, auth.signedHeaders);

  const account = await requireCredential(store, credential.accessKeyId);
  checkSkew(time, sent, req.now, settings.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);

  const scope = scopeString(credential);
  const forms = canonicalRequestForms({
    method: req.method,
    rawPath: req.rawPath,
    query: parseQuery(req.rawQuery),
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash,
  });
  const key = deriveSigningKey(account.secretAccessKey, credential.date, credential.region, credential.service);
  const candidates = forms.map((canonical) => stringToSign(amzDate, scope, canonical));
  if (!candidates.some((toSign) => signaturesEqual(auth.signature, signHex(key, toSign)))) {
    throw signatureMismatch(credential.accessKeyId, candidates[candidates.length - 1]);
  }

  return {
    kind: 'authenticated',
    principal: account.principal,
    method: 'v4-header',
    payload: signedPayload(payloadHash, () => new ChunkSigner(key, amzDate, scope, auth.signature)),
  };
}
