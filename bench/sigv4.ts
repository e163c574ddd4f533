/**
 * A minimal AWS SigV4 header signer for the load generator: enough for
 * path-style S3 requests (with a query string for listings). Hand-rolled on
 * node:crypto so that the bench measures the server, not an SDK's middleware
 * stack.
 */
import { createHash, createHmac } from 'node:crypto';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * S3's URI encoding of one path segment: every UTF-8 byte outside the RFC 3986
 * unreserved set as %XX with upper-case hex. The result is already canonical,
 * so the same string goes on the wire and into the canonical request.
 */
export function encodeSegment(segment: string): string {
  let out = '';
  for (const byte of Buffer.from(segment, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `/bucket/key/with/slashes`, each segment encoded; slashes in keys stay separators. */
export function objectPath(bucket: string, key?: string): string {
  const segments = [bucket, ...(key === undefined ? [] : key.split('/'))];
  return '/' + segments.map(encodeSegment).join('/');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export class SigV4Signer {
  private keyDate = '';
  private signingKey: Buffer = Buffer.alloc(0);

  constructor(private readonly creds: Credentials) {}

  /** The derived key changes once a day; deriving it per request would be four wasted HMACs. */
  private keyFor(date: string): Buffer {
    if (date !== this.keyDate) {
      const kDate = hmac(`AWS4${this.creds.secretAccessKey}`, date);
      const kRegion = hmac(kDate, this.creds.region);
      const kService = hmac(kRegion, 's3');
      this.signingKey = hmac(kService, 'aws4_request');
      this.keyDate = date;
    }
    return this.signingKey;
  }

  /**
   * Headers to add to a request with the given method, host (`host:port`, as
   * sent) and already-encoded path (see objectPath). Signs host,
   * x-amz-content-sha256 and x-amz-date; Content-Length is left unsigned, as
   * SDKs may. `query` is the canonical query string (parameters sorted, each
   * name and value encoded with encodeSegment), sent as is.
   */
  sign(method: string, host: string, path: string, payloadHash: string, now = new Date(), query = ''): Record<string, string> {
    const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20240102T030405Z
    const date = amzDate.slice(0, 8);
    const scope = `${date}/${this.creds.region}/s3/aws4_request`;
    const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
    const canonical = [
      method,
      path,
      query,
      `host:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n`,
      signedHeaders,
      payloadHash,
    ].join('\n');
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
    const signature = createHmac('sha256', this.keyFor(date)).update(toSign, 'utf8').digest('hex');
    return {
      host,
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }
}
