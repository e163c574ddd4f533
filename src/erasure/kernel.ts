/**
 * A coding kernel computes outputs = rows · inputs over GF(2^8), shard by
 * shard: output r, byte i = XOR over c of rows[r][c] · inputs[c][i].
 * Encoding (rows = parity rows of E) and reconstruction (rows = the inverted
 * submatrix rows, see matrix.ts) are the same operation.
 */
import type { Matrix } from './matrix.js';

export interface CodingKernel {
  readonly name: string;
  /**
   * Overwrites the first `length` bytes of each of the `rows.rows` outputs.
   * Inputs and outputs are distinct views of at least `length` bytes.
   */
  apply(rows: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], length: number): void;
}
