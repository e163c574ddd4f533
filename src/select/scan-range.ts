/**
 * AWS's ScanRange semantics for line-oriented input (CSV, JSON LINES): a
 * record belongs to the range when its first byte lies in [start, end]
 * (inclusive). The bytes before the first record that starts at or after
 * `start` are skipped (unless start is 0), and the last record that starts
 * at or before `end` is read to its end, past `end` if need be.
 *
 * The cutter is fed the object from `firstOffset` = max(0, start - 1), so a
 * record starting exactly at `start` is recognised by the delimiter just before it.
 */
const EMPTY = Buffer.alloc(0);

export interface ScanRangeCut {
  start: number;
  end: number;
  /** The byte that ends a record (the last byte of the record delimiter). */
  recordEnd: number;
  /** CSV quoting, so a delimiter inside a quoted field does not end the record; absent for JSON LINES. */
  quote?: number;
  escape?: number;
}

export class ScanRangeCutter {
  private position: number;
  private skipping: boolean;
  private inQuotes = false;
  private escaped = false;
  /** Set once the last record of the range has been passed on: the rest of the object is not needed. */
  done = false;

  constructor(private readonly cut: ScanRangeCut) {
    this.position = cut.start === 0 ? 0 : cut.start - 1;
    this.skipping = cut.start > 0;
    if (cut.start > cut.end) this.done = true;
  }

  /** Bytes from the first record of the range on; stops after the record that spans `end`. */
  take(chunk: Buffer): Buffer {
    if (this.done) return EMPTY;
    let from = 0;
    if (this.skipping) {
      const at = chunk.indexOf(this.cut.recordEnd);
      if (at < 0) {
        this.position += chunk.length;
        return EMPTY;
      }
      this.skipping = false;
      this.position += at + 1;
      from = at + 1;
      if (this.position > this.cut.end) {
        this.done = true;
        return EMPTY;
      }
    }
    const stop = this.scanForEnd(chunk, from);
    if (stop < 0) return chunk.subarray(from);
    this.done = true;
    return chunk.subarray(from, stop);
  }

  /**
   * Walks the bytes from `from`, tracking quotes, and returns the index just past
   * the delimiter that ends the last record of the range, or -1 to take the whole chunk.
   */
  private scanForEnd(chunk: Buffer, from: number): number {
    const { recordEnd, quote, escape, end } = this.cut;
    // Wholly before `end`, a chunk can end no record of interest: only the quote state moves on,
    // and when the escape is the quote itself (or there is no quoting) that is the quote count's parity.
    const lastAbsolute = this.position + (chunk.length - from) - 1;
    if (lastAbsolute < end && (quote === undefined || escape === undefined || escape === quote)) {
      if (quote !== undefined) for (let i = chunk.indexOf(quote, from); i >= 0; i = chunk.indexOf(quote, i + 1)) this.inQuotes = !this.inQuotes;
      this.position += chunk.length - from;
      return -1;
    }
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i];
      const absolute = this.position + (i - from);
      if (this.escaped) {
        this.escaped = false;
      } else if (quote !== undefined && escape !== undefined && escape !== quote && this.inQuotes && byte === escape) {
        this.escaped = true;
      } else if (quote !== undefined && byte === quote) {
        this.inQuotes = !this.inQuotes;
      } else if (byte === recordEnd && !this.inQuotes && absolute + 1 > end) {
        return i + 1;
      }
    }
    this.position += chunk.length - from;
    return -1;
  }
}
