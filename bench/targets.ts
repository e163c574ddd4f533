/** Where the bench sends its requests: cairn (signed) and the ceiling server's routes. */
import type { Target } from './load.js';
import { encodeSegment, EMPTY_SHA256, objectPath, SigV4Signer, UNSIGNED_PAYLOAD } from './sigv4.js';

export const USER = 'benchadmin';
export const PASSWORD = 'benchsecret123';
export const BUCKET = 'bench';

export function cairnSigner(): SigV4Signer {
  return new SigV4Signer({ accessKeyId: USER, secretAccessKey: PASSWORD, region: 'us-east-1' });
}

/** Objects of `bucket` on cairn at `port`; PUT bodies are UNSIGNED-PAYLOAD. */
export function cairnTarget(port: number, bucket = BUCKET, name = 'cairn'): Target {
  const signer = cairnSigner();
  return {
    name,
    host: '127.0.0.1',
    port,
    path: (_method, key) => objectPath(bucket, key),
    headers: (method, path, host) => signer.sign(method, host, path, method === 'PUT' ? UNSIGNED_PAYLOAD : EMPTY_SHA256),
  };
}

export function ceilingTarget(port: number, name: string, putRoute: '/fsync' | '/discard'): Target {
  return {
    name,
    host: '127.0.0.1',
    port,
    path: (method, key) => `${method === 'PUT' ? putRoute : '/file'}/${encodeSegment(key)}`,
    headers: () => ({}),
  };
}

/** `count` keys `label/obj-0000`…: PUTs overwrite and GETs read the same keys. */
export function keySpace(label: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${label}/obj-${String(i).padStart(4, '0')}`);
}
