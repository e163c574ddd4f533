/**
 * Client-side SigV4 header signing, built from the same canonical-request
 * pieces the verifier uses, for cairn's own clients (`cairn admin`). Signs
 * host, x-amz-date and x-amz-content-sha256; the body hash is given.
 */
import { formatAmzDate } from './request-time.js';
import { deriveSigningKey, signHex } from './signing-key.js';
import { SIGV4_ALGORITHM, canonicalRequest, credentialScope, stringToSign } from './sigv4-canonical.js';
import { parseQuery } from './uri-encoding.js';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface RequestToSign {
  method: string;
  /** Path as it goes on the wire (percent-encoded). */
  rawPath: string;
  /** Query string as it goes on the wire, without '?'. */
  rawQuery: string;
  /** Host header value (host[:port]). */
  host: string;
  payloadHash: string;
  region: string;
  service?: string;
  now?: Date;
}

/** The headers to send: host, x-amz-date, x-amz-content-sha256 and authorization. */
export function signV4Headers(request: RequestToSign, credentials: SigningCredentials): Record<string, string> {
  const amzDate = formatAmzDate(request.now ?? new Date());
  const date = amzDate.slice(0, 8);
  const service = request.service ?? 's3';
  const headers: Record<string, string> = {
    host: request.host,
    'x-amz-content-sha256': request.payloadHash,
    'x-amz-date': amzDate,
  };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: request.method,
    rawPath: request.rawPath,
    query: parseQuery(request.rawQuery),
    headers,
    signedHeaders,
    payloadHash: request.payloadHash,
  });
  const scope = credentialScope(date, request.region, service);
  const signature = signHex(deriveSigningKey(credentials.secretAccessKey, date, request.region, service), stringToSign(amzDate, scope, canonical));
  return {
    ...headers,
    authorization: `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}
