import type { FileHandle } from 'node:fs/promises';
import { ContentDigests } from '../../s3/content-digests.js';
import type { ChecksumAlgorithm, Checksums } from '../../s3/types.js';

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
