/** Signing with @smithy/signature-v4 (the JS SDK v3 signer), configured as the S3 client configures it. */
import { SignatureV4 } from '@smithy/signature-v4';
import { RootCredentialStore } from '../../../src/iam/credentials.js';
import type { AuthRequest } from '../../../src/iam/auth-types.js';
import { lowerHeaders, NodeSha256, rawQueryOf, request, rfc3986 } from './helpers.js';

export const KEY = 'CAIRNTESTKEY';
export const SECRET = 'cairn/test+secret';
export const store = new RootCredentialStore(KEY, SECRET);
export const settings = { region: 'us-east-1' };
export const now = new Date('2024-06-01T12:00:00Z');
export const HOST = 'localhost:9000';

function signer(region = 'us-east-1', service = 's3'): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
    region,
    service,
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: true,
  });
}

export interface Spec {
  method?: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  payloadHash?: string;
  signingDate?: Date;
  region?: string;
  service?: string;
}

/** Encodes a key the way the SDK does (every segment RFC 3986-encoded, '/' kept). */
function pathOf(key: string): string {
  return '/bucket/' + key.split('/').map(rfc3986).join('/');
}

export async function signed(spec: Spec): Promise<AuthRequest> {
  const out = await signer(spec.region, spec.service).sign(
    {
      method: spec.method ?? 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      port: 9000,
      path: pathOf(spec.key ?? 'object.txt'),
      query: spec.query ?? {},
      headers: { host: HOST, 'x-amz-content-sha256': spec.payloadHash ?? 'UNSIGNED-PAYLOAD', ...spec.headers },
    },
    { signingDate: spec.signingDate ?? now },
  );
  return request({ now, method: out.method, rawPath: out.path, rawQuery: rawQueryOf(out.query), headers: lowerHeaders(out.headers) });
}

export async function presigned(spec: Spec & { expiresIn?: number }): Promise<AuthRequest> {
  const out = await signer(spec.region).presign(
    {
      method: spec.method ?? 'GET',
      protocol: 'http:',
      hostname: 'localhost',
      port: 9000,
      path: pathOf(spec.key ?? 'object.txt'),
      query: spec.query ?? {},
      // As @aws-sdk/s3-request-presigner does: the payload is declared unsigned.
      headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...spec.headers },
    },
    { signingDate: spec.signingDate ?? now, expiresIn: spec.expiresIn ?? 3600 },
  );
  return request({ now, method: out.method, rawPath: out.path, rawQuery: rawQueryOf(out.query), headers: lowerHeaders(out.headers) });
}
