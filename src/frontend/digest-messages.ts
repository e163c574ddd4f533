/**
 * The messages between the digest threads (digest-threads.ts) and their
 * workers (digest-worker.ts). Batches are SharedArrayBuffers: shared, not
 * moved, so the main thread keeps one lasting object per batch. (Moving
 * buffers back and forth makes a new ArrayBuffer object in the main isolate
 * per trip; held across a few scavenges they are promoted, and their external
 * bytes then drive a major GC about every 64 MB of traffic.)
 */
import type { ChecksumAlgorithm, Checksums } from '../s3/types.js';

/** Main → worker. Every message names its upload; one upload's messages arrive in order. */
export type DigestRequest =
  | { op: 'open'; id: number; algorithms: ChecksumAlgorithm[] }
  | { op: 'update'; id: number; batch: SharedArrayBuffer; length: number }
  | { op: 'finish'; id: number }
  | { op: 'close'; id: number };

export interface DigestValues {
  size: number;
  md5Hex: string;
  checksums: Checksums;
}

/** Worker → main: the upload's oldest batch is hashed (free to refill), or an upload's final digests. */
export type DigestReply = { op: 'hashed'; id: number } | { op: 'result'; id: number; values: DigestValues };
