import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request } from 'node:http';
import { ACCESS_KEY, REGION, SECRET_KEY } from './server.js';

/** The hash constructor @smithy/signature-v4 wants, backed by node:crypto. */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** The <Code> of an S3 error body, if any. */
  code?: string;
}

export interface RawRequest {
  method: string;
  /** Path exactly as it goes on the wire (already percent-encoded as intended). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends bytes exactly as given (no SDK normalisation) and collects the answer. */
export function sendRaw(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1] });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface SignOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  /** Sign as of this moment (for skew tests). */
  date?: Date;
  /** Presign into the query string instead of the Authorization header. */
  presign?: boolean;
  expiresIn?: number;
  /** x-amz-content-sha256 value; defaults to the hash of the body. */
  payloadHash?: string;
}

/**
 * Signs a raw request with the SDK's own SigV4 signer, so tests exercise
 * the server against an independent implementation.
 */
export async function signRaw(port: number, req: RawRequest, options: SignOptions = {}): Promise<RawRequest> {
  const signer = new SignatureV4({
    service: 's3',
    region: options.region ?? REGION,
    credentials: { accessKeyId: options.accessKeyId ?? ACCESS_KEY, secretAccessKey: options.secretAccessKey ?? SECRET_KEY },
    sha256: NodeSha256 as unknown as ConstructorParameters<typeof SignatureV4>[0]["sha256"],
    uriEscapePath: false,
    applyChecksum: false,
  });
  const [pathname, search = ''] = req.path.split('?', 2);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...req.headers };
  // Presigned URLs carry no payload hash: S3 treats them as UNSIGNED-PAYLOAD, as the SDK's presigner does.
  headers['x-amz-content-sha256'] = options.presign ? 'UNSIGNED-PAYLOAD' : (options.payloadHash ?? createHash('sha256').update(body).digest('hex'));
  const httpRequest = { method: req.method, protocol: 'http:', hostname: '127.0.0.1', port, path: pathname, query, headers, body };
  const signed = options.presign
    ? await signer.presign(httpRequest, { signingDate: options.date, expiresIn: options.expiresIn ?? 900 })
    : await signer.sign(httpRequest, { signingDate: options.date });
  if (options.presign) delete (signed.headers as Record<string, string>)['x-amz-content-sha256'];
  const qs = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return { method: req.method, path: qs ? `${pathname}?${qs}` : pathname, headers: signed.headers as Record<string, string>, body: req.body };
}

export async function sendSigned(port: number, req: RawRequest, options: SignOptions = {}): Promise<RawResponse> {
  return sendRaw(port, await signRaw(port, req, options));
}
