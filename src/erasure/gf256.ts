/**
 * Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1
 * (0x11d), the field of the usual Reed-Solomon erasure codes. Addition is XOR;
 * multiplication and division go through log/exp tables (generator 2).
 */
const POLYNOMIAL = 0x11d;

/** EXP[i] = 2^i; doubled in length so that EXP[LOG[a] + LOG[b]] needs no modulo. */
const EXP = new Uint8Array(512);
/** LOG[a] for a ≠ 0 (LOG[0] is unused). */
const LOG = new Uint8Array(256);

{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= POLYNOMIAL;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a] + LOG[b]];
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(2^8)');
  return EXP[255 - LOG[a]];
}

export function gfDiv(a: number, b: number): number {
  return gfMul(a, gfInv(b));
}

/**
 * The full multiplication table: MUL_TABLE[a * 256 + x] = a·x. 64 KiB, built
 * once; the reference kernel multiplies a whole shard by one coefficient with it.
 */
export const MUL_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256 * 256);
  for (let a = 1; a < 256; a++) for (let x = 1; x < 256; x++) table[a * 256 + x] = gfMul(a, x);
  return table;
})();

/**
 * Split-nibble tables for the SIMD kernel: for coefficient a, 32 bytes at
 * a * 32: [a·0, a·1, … a·15] then [a·0x00, a·0x10, … a·0xf0]. Because
 * multiplication distributes over XOR, a·x = low[x & 15] ^ high[x >> 4].
 */
export const NIBBLE_TABLES: Uint8Array = (() => {
  const tables = new Uint8Array(256 * 32);
  for (let a = 0; a < 256; a++) {
    for (let i = 0; i < 16; i++) {
      tables[a * 32 + i] = gfMul(a, i);
      tables[a * 32 + 16 + i] = gfMul(a, i << 4);
    }
  }
  return tables;
})();
