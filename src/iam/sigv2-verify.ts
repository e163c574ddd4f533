/** SigV2: `Authorization: AWS AKID:signature` and the `AWSAccessKeyId`/`Expires`/`Signature` query form. */
import { S3Error } from '../s3/errors.js';
import type { Authenticated, AuthRequest, AuthSettings } from './auth-types.js';
import { requireCredential, type CredentialStore } from './credentials.js';
import { unsignedAuthPayload } from './content-sha256.js';
import { signaturesEqual } from './crypto-util.js';
import { headerValue } from './raw-headers.js';
import { checkSkew, DEFAULT_MAX_SKEW_MS, headerRequestTime } from './request-time.js';
import { signatureMismatch } from './signature-mismatch.js';
import { canonicalResourceV2, signV2, stringToSignV2 } from './sigv2-canonical.js';
import { parseQuery, percentDecode, type QueryParam } from './uri-encoding.js';

/**
 * The resources a SigV2 client may have signed for this request. A path-style
 * bucket request (`/bucket`, no key) is also tried as `/bucket/`: botocore
 * signs that form (AWS's own examples sign a bucket as `/bucket/`) while
 * sending the path without the slash. Both name the same bucket-level request,
 * so accepting either widens nothing.
 */
function resourcesFor(req: AuthRequest, query: readonly QueryParam[]): string[] {
  const hostBucket = req.virtualHosted ? req.bucket : undefined;
  const resources = [canonicalResourceV2(req.rawPath, query, hostBucket)];
  if (hostBucket === undefined && /^\/[^/]+$/.test(req.rawPath)) {
    resources.push(canonicalResourceV2(`${req.rawPath}/`, query, undefined));
  }
  return resources;
}

/** Checks the signature against each candidate string to sign; on failure reports the first. */
function verifyAny(secret: string, signature: string, accessKeyId: string, toSign: string[]): void {
  if (!toSign.some((candidate) => signaturesEqual(signature, signV2(secret, candidate)))) {
    throw signatureMismatch(accessKeyId, toSign[0]);
  }
}

export async function verifyV2Header(
  req: AuthRequest,
  authorization: string,
  store: CredentialStore,
  settings: AuthSettings,
): Promise<Authenticated> {
  const credentials = authorization.slice('AWS '.length).trim();
  const colon = credentials.lastIndexOf(':');
  if (colon <= 0 || colon === credentials.length - 1) {
    throw new S3Error('InvalidArgument', {
      message: 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      extra: { ArgumentName: 'Authorization' },
    });
  }
  const accessKeyId = credentials.slice(0, colon);
  const signature = credentials.slice(colon + 1);

  const { time, sent } = headerRequestTime(req.headers);
  const account = await requireCredential(store, accessKeyId);
  checkSkew(time, sent, req.now, settings.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);

  // The Date line is the Date header, or empty; an x-amz-date is signed among the amz headers.
  // (AWS's prose says a present x-amz-date blanks the Date line even when Date is sent, but its
  // worked example contradicts that, and botocore, s3cmd and MinIO all sign Date as sent.)
  const dateLine = headerValue(req.headers, 'date') ?? '';
  const toSign = resourcesFor(req, parseQuery(req.rawQuery)).map((r) => stringToSignV2(req.method, req.headers, dateLine, r));
  verifyAny(account.secretAccessKey, signature, accessKeyId, toSign);
  return { kind: 'authenticated', principal: account.principal, method: 'v2-header', payload: unsignedAuthPayload(req.headers) };
}

export async function verifyV2Query(req: AuthRequest, store: CredentialStore): Promise<Authenticated> {
  const query = parseQuery(req.rawQuery);
  const get = (name: string) => query.find((p) => p.name === name);
  const accessKeyId = get('AWSAccessKeyId')?.value;
  const expires = get('Expires')?.value;
  const signatureParam = get('Signature');
  if (!accessKeyId || !expires || !signatureParam) {
    throw new S3Error('AccessDenied', {
      message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    });
  }
  if (!/^\d+$/.test(expires)) {
    throw new S3Error('AccessDenied', { message: 'Invalid date (should be seconds since epoch): ' + expires.slice(0, 32) });
  }
  const expiresAt = new Date(Number(expires) * 1000);
  if (req.now.getTime() > expiresAt.getTime()) {
    throw new S3Error('AccessDenied', {
      message: 'Request has expired',
      extra: { Expires: expiresAt.toISOString(), ServerTime: req.now.toISOString() },
    });
  }
  // Decoded without form rules: a client that left base64's '+' unencoded meant a '+', not a space.
  const signature = percentDecode(signatureParam.rawValue).toString('utf8');
  const account = await requireCredential(store, accessKeyId);
  const toSign = resourcesFor(req, query).map((r) => stringToSignV2(req.method, req.headers, expires, r));
  verifyAny(account.secretAccessKey, signature, accessKeyId, toSign);
  return { kind: 'authenticated', principal: account.principal, method: 'v2-query', payload: unsignedAuthPayload(req.headers) };
}
