/**
 * The raw disk write ceiling: one writer creating 16 MiB files in 1 MiB
 * writes, each fsync'd before the next starts, on the filesystem that holds
 * the bench data. No HTTP, no event-loop contention beyond the thread pool.
 */
import { open, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const CHUNK = 1024 * 1024;

/** MB/s (10^6 bytes) of sequential write + fsync for `durationMs`; `data` must hold at least 1 MiB. */
export async function diskWriteMBps(dir: string, data: Buffer, fileSize: number, durationMs: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const start = performance.now();
  let files = 0;
  try {
    // Whole files only: the throughput is total bytes over the time to make them durable.
    while (files === 0 || performance.now() - start < durationMs) {
      const fh = await open(join(dir, `f${files}`), 'w');
      try {
        for (let off = 0; off < fileSize; off += CHUNK) {
          const len = Math.min(CHUNK, fileSize - off);
          let done = 0;
          while (done < len) done += (await fh.write(data, done, len - done)).bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      files++;
    }
    const seconds = (performance.now() - start) / 1000;
    return (files * fileSize) / seconds / 1e6;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
