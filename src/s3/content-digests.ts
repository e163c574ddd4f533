import { createHash, type Hash } from 'node:crypto';
import { createChecksumHasher, type ChecksumHasher } from './checksums.js';
import type { ChecksumAlgorithm, Checksums } from './types.js';

/**
 * MD5 (the ETag of a single-part object) plus any S3 checksums, fed chunk by
 * chunk: for bytes that did not arrive as a verified request body (files
 * other programs put in a local tree, and copies that turn a multipart object
 * into a single-part one, on every backend).
 */
export class ContentDigests {
  private readonly md5: Hash = createHash('md5');
  private readonly hashers: [ChecksumAlgorithm, ChecksumHasher][];
  private bytes = 0;

  constructor(algorithms: Iterable<ChecksumAlgorithm> = []) {
    this.hashers = [...new Set(algorithms)].map((a) => [a, createChecksumHasher(a)]);
  }

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.md5.update(chunk);
    for (const [, hasher] of this.hashers) hasher.update(chunk);
  }

  /** Valid once: the hashes are finalised. */
  result(): { size: number; md5Hex: string; checksums: Checksums } {
    const checksums: Checksums = {};
    for (const [algorithm, hasher] of this.hashers) checksums[algorithm] = hasher.digestBase64();
    return { size: this.bytes, md5Hex: this.md5.digest('hex'), checksums };
  }
}
