import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createChecksumHasher, type ChecksumHasher } from '../../s3/checksums.js';
import type { ChecksumAlgorithm, Checksums } from '../../s3/types.js';

/**
 * MD5 (the ETag of a single-part object) plus any S3 checksums, fed chunk by
 * chunk: for files cairn did not receive as a body (foreign files, and
 * copies that turn a multipart object into a single-part one).
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

/** Digests an open file's whole content; leaves the handle open (and usable) for the caller. */
export async function digestFile(
  handle: FileHandle,
  algorithms: Iterable<ChecksumAlgorithm>,
  signal?: AbortSignal,
): Promise<{ size: number; md5Hex: string; checksums: Checksums }> {
  const digests = new ContentDigests(algorithms);
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (let position = 0; ; ) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    digests.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return digests.result();
}
