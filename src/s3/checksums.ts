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

/** Reflected table for a 32-bit CRC polynomial. */
function crc32Table(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32C_TABLE = crc32Table(0x82f63b78);

class Crc32cHasher implements ChecksumHasher {
  private crc = 0xffffffff;
  update(chunk: Buffer): void {
    let crc = this.crc;
    for (let i = 0; i < chunk.length; i++) crc = CRC32C_TABLE[(crc ^ chunk[i]) & 0xff] ^ (crc >>> 8);
    this.crc = crc;
  }
  digestBase64(): string {
    return uint32Base64((this.crc ^ 0xffffffff) >>> 0);
  }
}

/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), computed on two
 * 32-bit halves because 64-bit BigInt arithmetic per byte is far slower.
 */
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
(function buildCrc64Tables() {
  const polyLo = 0xac4bc9b5;
  const polyHi = 0x9a6c9329;
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_LO[n] = lo;
    CRC64_HI[n] = hi;
  }
})();

class Crc64NvmeHasher implements ChecksumHasher {
  private lo = 0xffffffff;
  private hi = 0xffffffff;
  update(chunk: Buffer): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (lo ^ chunk[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_HI[idx]) >>> 0;
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
