/**
 * Matrices over GF(2^8) for a systematic Reed-Solomon code, and the
 * reconstruction rows that recover any shard from any k others.
 *
 * Encoding matrix E (n × k, n = k + m): the identity on top (data shards are
 * stored as they are), a Cauchy matrix below: E[k + i][j] = 1 / (x_i + y_j)
 * with x_i = k + i and y_j = j, all distinct. Every square submatrix of a
 * Cauchy matrix is invertible, so any k rows of E are too: every k of the
 * n shards determine the data. (A Vandermonde matrix made systematic works
 * as well; Cauchy needs no extra elimination step to build.)
 */
import { gfInv, gfMul } from './gf256.js';

/** Row-major rows × cols coefficients. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Uint8Array;
}

export const MAX_SHARDS = 16;

export function checkGeometry(dataShards: number, parityShards: number): void {
  if (!Number.isInteger(dataShards) || !Number.isInteger(parityShards) || dataShards < 1 || parityShards < 0 || dataShards + parityShards > MAX_SHARDS) {
    throw new RangeError(`unsupported erasure geometry ${dataShards}+${parityShards}: need k ≥ 1, m ≥ 0, k + m ≤ ${MAX_SHARDS}`);
  }
}

export function encodingMatrix(k: number, m: number): Matrix {
  checkGeometry(k, m);
  const data = new Uint8Array((k + m) * k);
  for (let j = 0; j < k; j++) data[j * k + j] = 1;
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) data[(k + i) * k + j] = gfInv((k + i) ^ j);
  return { rows: k + m, cols: k, data };
}

export function selectRows(matrix: Matrix, rows: readonly number[]): Matrix {
  const data = new Uint8Array(rows.length * matrix.cols);
  rows.forEach((row, i) => data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols));
  return { rows: rows.length, cols: matrix.cols, data };
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const data = new Uint8Array(a.rows * b.cols);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < b.cols; c++) {
      let sum = 0;
      for (let i = 0; i < a.cols; i++) sum ^= gfMul(a.data[r * a.cols + i], b.data[i * b.cols + c]);
      data[r * b.cols + c] = sum;
    }
  }
  return { rows: a.rows, cols: b.cols, data };
}

/** Gauss-Jordan elimination; throws on a singular matrix (never for k rows of E). */
export function invert(matrix: Matrix): Matrix {
  const n = matrix.rows;
  if (matrix.cols !== n) throw new RangeError('only square matrices have inverses');
  const work = Uint8Array.from(matrix.data);
  const inverse = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) inverse[i * n + i] = 1;
  const swapRows = (m: Uint8Array, a: number, b: number) => {
    const row = m.slice(a * n, (a + 1) * n);
    m.copyWithin(a * n, b * n, (b + 1) * n);
    m.set(row, b * n);
  };
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && work[pivot * n + col] === 0) pivot++;
    if (pivot === n) throw new RangeError('singular matrix');
    if (pivot !== col) {
      swapRows(work, pivot, col);
      swapRows(inverse, pivot, col);
    }
    const scale = gfInv(work[col * n + col]);
    for (let j = 0; j < n; j++) {
      work[col * n + j] = gfMul(work[col * n + j], scale);
      inverse[col * n + j] = gfMul(inverse[col * n + j], scale);
    }
    for (let row = 0; row < n; row++) {
      const factor = work[row * n + col];
      if (row === col || factor === 0) continue;
      for (let j = 0; j < n; j++) {
        work[row * n + j] ^= gfMul(factor, work[col * n + j]);
        inverse[row * n + j] ^= gfMul(factor, inverse[col * n + j]);
      }
    }
  }
  return { rows: n, cols: n, data: inverse };
}

const encodingMatrices = new Map<string, Matrix>();

function cachedEncodingMatrix(k: number, m: number): Matrix {
  const key = `${k}+${m}`;
  let matrix = encodingMatrices.get(key);
  if (!matrix) encodingMatrices.set(key, (matrix = encodingMatrix(k, m)));
  return matrix;
}

/** The m × k rows that turn the k data shards into the parity shards. */
export function parityRows(k: number, m: number): Matrix {
  const matrix = cachedEncodingMatrix(k, m);
  return { rows: m, cols: k, data: matrix.data.subarray(k * k) };
}

/** Bounded: a long-running process sees at most a few loss patterns at a time. */
const RECONSTRUCTION_CACHE_LIMIT = 512;
const reconstructions = new Map<string, Matrix>();

/**
 * The rows that compute the shards `wanted` (any indexes 0..n-1) from the k
 * shards `sources` (distinct, k of them): E[wanted] · (E[sources])⁻¹.
 */
export function reconstructionRows(k: number, m: number, sources: readonly number[], wanted: readonly number[]): Matrix {
  if (sources.length !== k) throw new RangeError(`reconstruction needs exactly ${k} source shards, got ${sources.length}`);
  const key = `${k}+${m}:${sources.join(',')}>${wanted.join(',')}`;
  const cached = reconstructions.get(key);
  if (cached) return cached;
  const matrix = cachedEncodingMatrix(k, m);
  const rows = multiply(selectRows(matrix, wanted), invert(selectRows(matrix, sources)));
  if (reconstructions.size >= RECONSTRUCTION_CACHE_LIMIT) reconstructions.clear();
  reconstructions.set(key, rows);
  return rows;
}
