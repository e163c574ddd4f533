/** Parsing `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
import { S3Error } from '../s3/errors.js';
import { SIGV4_ALGORITHM } from './sigv4-canonical.js';

export interface V4Authorization {
  credential: string;
  signedHeaders: string[];
  signature: string;
}

function malformed(detail: string): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', { message: `The authorization header is malformed; ${detail}` });
}

/** Components may be separated by ',' or ', ' (clients do both); each appears exactly once. */
export function parseV4Authorization(value: string): V4Authorization {
  const rest = value.slice(SIGV4_ALGORITHM.length).trim();
  const found = new Map<string, string>();
  for (const component of rest.split(',')) {
    const part = component.trim();
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (eq === -1 || !['Credential', 'SignedHeaders', 'Signature'].includes(name) || found.has(name)) {
      throw malformed(`the authorization component "${part.slice(0, 64)}" is malformed.`);
    }
    found.set(name, part.slice(eq + 1));
  }
  const credential = found.get('Credential');
  const signedHeaders = found.get('SignedHeaders');
  const signature = found.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  return { credential, signedHeaders: parseSignedHeaders(signedHeaders), signature };
}

/** `host;range;x-amz-date` → names; an empty name is malformed. */
export function parseSignedHeaders(list: string): string[] {
  const names = list.split(';');
  if (names.some((n) => n === '')) throw malformed('the SignedHeaders component is malformed.');
  return names;
}

/**
 * Headers that change a request's meaning must be covered by the signature,
 * or a captured request could be replayed with them altered: Host and every
 * x-amz-* header (what AWS requires of presigned URLs and SDKs always do for
 * headers). x-amz-date and x-amz-content-sha256 are exempt: the string to
 * sign and canonical request already carry their values.
 */
export function requireSignedHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders.map((n) => n.toLowerCase()));
  const missing: string[] = [];
  for (const name of Object.keys(headers)) {
    const mustSign = name === 'host' || (name.startsWith('x-amz-') && name !== 'x-amz-date' && name !== 'x-amz-content-sha256');
    if (mustSign && !signed.has(name)) missing.push(name);
  }
  if (missing.length > 0) {
    throw new S3Error('AccessDenied', {
      message: 'There were headers present in the request which were not signed',
      extra: { HeadersNotSigned: missing.sort().join(', ') },
    });
  }
}
