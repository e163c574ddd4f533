import type { ChecksumAlgorithm } from './types.js';

/**
 * CRC combination: the CRC of A‖B from crc(A), crc(B) and len(B), without
 * the data. This is what lets a FULL_OBJECT multipart checksum be computed
 * at completion from the part CRCs alone.
 *
 * The three CRCs S3 uses are reflected, with init and xor-out both all ones,
 * so (as in zlib's crc32_combine) crc(A‖B) = crc(A)·x^(8·len(B)) mod P ⊕ crc(B).
 * Field elements are held reflected: the top bit is x^0. 32-bit CRCs use
 * numbers; CRC-64 uses BigInt (a few dozen multiplications per part, so the
 * cost does not matter).
 */

export type CombinableAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';

export function isCombinable(algorithm: ChecksumAlgorithm): algorithm is CombinableAlgorithm {
  return algorithm === 'CRC32' || algorithm === 'CRC32C' || algorithm === 'CRC64NVME';
}

/** Arithmetic in GF(2)[x] / P for one reflected polynomial. */
interface Field<T> {
  one: T;
  xPow8: T;
  multiply(a: T, b: T): T;
  xor(a: T, b: T): T;
}

function field32(poly: number): Field<number> {
  return {
    one: 0x80000000,
    xPow8: 0x00800000,
    xor: (a, b) => (a ^ b) >>> 0,
    multiply(a, b) {
      let m = 0x80000000;
      let p = 0;
      for (;;) {
        if (a & m) {
          p ^= b;
          if ((a & (m - 1)) === 0) break;
        }
        m >>>= 1;
        b = b & 1 ? (b >>> 1) ^ poly : b >>> 1;
      }
      return p >>> 0;
    },
  };
}

function field64(poly: bigint): Field<bigint> {
  const top = 1n << 63n;
  return {
    one: top,
    xPow8: top >> 8n,
    xor: (a, b) => a ^ b,
    multiply(a, b) {
      let m = top;
      let p = 0n;
      for (;;) {
        if (a & m) {
          p ^= b;
          if ((a & (m - 1n)) === 0n) break;
        }
        m >>= 1n;
        b = b & 1n ? (b >> 1n) ^ poly : b >> 1n;
      }
      return p;
    },
  };
}

/** x^(8·bytes) mod P by square-and-multiply. */
function shiftOperator<T>(f: Field<T>, bytes: number): T {
  let result = f.one;
  let base = f.xPow8;
  let n = bytes;
  while (n > 0) {
    if (n % 2 === 1) result = f.multiply(result, base);
    base = f.multiply(base, base);
    n = Math.floor(n / 2);
  }
  return result;
}

/** Folds (crc, length) pairs into the CRC of the concatenation; operators are memoised per length (parts mostly share one size). */
function combineAll<T>(f: Field<T>, parts: readonly { crc: T; size: number }[]): T {
  const operators = new Map<number, T>();
  let crc = parts[0].crc;
  for (let i = 1; i < parts.length; i++) {
    const { crc: next, size } = parts[i];
    let op = operators.get(size);
    if (op === undefined) {
      op = shiftOperator(f, size);
      operators.set(size, op);
    }
    crc = f.xor(f.multiply(op, crc), next);
  }
  return crc;
}

const CRC32 = field32(0xedb88320);
const CRC32C = field32(0x82f63b78);
const CRC64NVME = field64(0x9a6c9329ac4bc9b5n);

/** One part's CRC in S3's wire form (base64 of the big-endian value) and its length in bytes. */
export interface CrcPart {
  checksum: string;
  size: number;
}

/**
 * The CRC of the concatenated parts, in S3's base64 form. Throws on an empty
 * list; callers validate each checksum's shape before (see CHECKSUM_BYTES).
 */
export function combineCrcs(algorithm: CombinableAlgorithm, parts: readonly CrcPart[]): string {
  if (parts.length === 0) throw new Error('combineCrcs needs at least one part');
  if (algorithm === 'CRC64NVME') {
    const crc = combineAll(
      CRC64NVME,
      parts.map((p) => ({ crc: Buffer.from(p.checksum, 'base64').readBigUInt64BE(0), size: p.size })),
    );
    const out = Buffer.alloc(8);
    out.writeBigUInt64BE(crc, 0);
    return out.toString('base64');
  }
  const f = algorithm === 'CRC32' ? CRC32 : CRC32C;
  const crc = combineAll(
    f,
    parts.map((p) => ({ crc: Buffer.from(p.checksum, 'base64').readUInt32BE(0), size: p.size })),
  );
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc, 0);
  return out.toString('base64');
}
