import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import type { ChecksumAlgorithm } from './types.js';

/** An incremental checksum whose digest is S3's base64 wire form. */
export interface ChecksumHasher {
  update(chunk: Buffer): void;
  digestBase64(): string;
}

/** zlib.crc32 is native (Node ≥ 20.15); its signature is not in @types/node 20 yet. */
const nativeCrc32 = (zlib as unknown as { crc32: (data: Buffer, value?: number) => number }).crc32;

class Crc32Hasher implements ChecksumHasher {
  private crc = 0;
  update(chunk: Buffer): void {
    this.crc = nativeCrc32(chunk, this.crc);
  }
  digestBase64(): string {
    return uint32Base64(this.crc);
  }
}

/**
 * CRC32C and CRC64/NVME are table-driven "slice-by-8": eight tables let the
 * loop consume 8 bytes per step instead of 1 (measured here: CRC32C 382 → 569
 * MB/s, CRC64NVME 108 → 147 MB/s over 64 MiB, on a loaded machine). Table k
 * maps a byte to its CRC contribution k bytes further down the stream.
 */
function crc32Tables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) tables[k][n] = (tables[k - 1][n] >>> 8) ^ tables[0][tables[k - 1][n] & 0xff];
  }
  return tables;
}

const [C0, C1, C2, C3, C4, C5, C6, C7] = crc32Tables(0x82f63b78);

class Crc32cHasher implements ChecksumHasher {
  private crc = 0xffffffff;
  update(chunk: Buffer): void {
    let crc = this.crc;
    let i = 0;
    const end8 = chunk.length - (chunk.length % 8);
    for (; i < end8; i += 8) {
      crc ^= chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24);
      crc =
        C7[crc & 0xff] ^ C6[(crc >>> 8) & 0xff] ^ C5[(crc >>> 16) & 0xff] ^ C4[crc >>> 24] ^
        C3[chunk[i + 4]] ^ C2[chunk[i + 5]] ^ C1[chunk[i + 6]] ^ C0[chunk[i + 7]];
    }
    for (; i < chunk.length; i++) crc = C0[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8);
    this.crc = crc;
  }
  digestBase64(): string {
    return uint32Base64((this.crc ^ 0xffffffff) >>> 0);
  }
}

/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5) on two 32-bit halves,
 * because 64-bit BigInt arithmetic per byte is far slower.
 */
function crc64Tables(): { lo: Uint32Array[]; hi: Uint32Array[] } {
  const lo = Array.from({ length: 8 }, () => new Uint32Array(256));
  const hi = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let l = n;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const carry = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (carry) {
        l = (l ^ 0xac4bc9b5) >>> 0;
        h = (h ^ 0x9a6c9329) >>> 0;
      }
    }
    lo[0][n] = l;
    hi[0][n] = h;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const pl = lo[k - 1][n];
      const ph = hi[k - 1][n];
      const idx = pl & 0xff;
      lo[k][n] = (((pl >>> 8) | (ph << 24)) ^ lo[0][idx]) >>> 0;
      hi[k][n] = ((ph >>> 8) ^ hi[0][idx]) >>> 0;
    }
  }
  return { lo, hi };
}

const { lo: L, hi: H } = crc64Tables();

class Crc64NvmeHasher implements ChecksumHasher {
  private lo = 0xffffffff;
  private hi = 0xffffffff;
  update(chunk: Buffer): void {
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const end8 = chunk.length - (chunk.length % 8);
    for (; i < end8; i += 8) {
      lo = (lo ^ (chunk[i] | (chunk[i + 1] << 8) | (chunk[i + 2] << 16) | (chunk[i + 3] << 24))) >>> 0;
      hi = (hi ^ (chunk[i + 4] | (chunk[i + 5] << 8) | (chunk[i + 6] << 16) | (chunk[i + 7] << 24))) >>> 0;
      const a = lo & 0xff, b = (lo >>> 8) & 0xff, c = (lo >>> 16) & 0xff, d = lo >>> 24;
      const e = hi & 0xff, f = (hi >>> 8) & 0xff, g = (hi >>> 16) & 0xff, h = hi >>> 24;
      lo = (L[7][a] ^ L[6][b] ^ L[5][c] ^ L[4][d] ^ L[3][e] ^ L[2][f] ^ L[1][g] ^ L[0][h]) >>> 0;
      hi = (H[7][a] ^ H[6][b] ^ H[5][c] ^ H[4][d] ^ H[3][e] ^ H[2][f] ^ H[1][g] ^ H[0][h]) >>> 0;
    }
    for (; i < chunk.length; i++) {
      const idx = (lo ^ chunk[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ L[0][idx]) >>> 0;
      hi = ((hi >>> 8) ^ H[0][idx]) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
  }
  digestBase64(): string {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out.toString('base64');
  }
}

class CryptoHasher implements ChecksumHasher {
  private readonly hash: Hash;
  constructor(algorithm: 'sha1' | 'sha256') {
    this.hash = createHash(algorithm);
  }
  update(chunk: Buffer): void {
    this.hash.update(chunk);
  }
  digestBase64(): string {
    return this.hash.digest('base64');
  }
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out.toString('base64');
}

export function createChecksumHasher(algorithm: ChecksumAlgorithm): ChecksumHasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher();
    case 'CRC32C':
      return new Crc32cHasher();
    case 'CRC64NVME':
      return new Crc64NvmeHasher();
    case 'SHA1':
      return new CryptoHasher('sha1');
    case 'SHA256':
      return new CryptoHasher('sha256');
  }
}

/** Byte length of each algorithm's digest, for validating client-sent values. */
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** `x-amz-checksum-crc64nvme` → 'CRC64NVME'; undefined for anything else. */
export function checksumAlgorithmFromHeader(name: string): ChecksumAlgorithm | undefined {
  const m = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/i.exec(name);
  return m ? (m[1].toUpperCase() as ChecksumAlgorithm) : undefined;
}

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}
