import * as fs from 'node:fs/promises';
import { S3Error } from '../../s3/errors.js';
import { ByteCopier } from './file-copy.js';
import { isNotFound } from './safe-fs.js';
import type { StagedFile, TempArea } from './temp-files.js';

/**
 * Builds a completed multipart object's file. On this backend an object is
 * a real, contiguous file at its key path, so completion copies the chosen
 * parts once, in order, into one staged file (streamed through two fixed
 * buffers: memory does not grow with the object, up to S3's 5 TiB), which is
 * then published like any PutObject. The erasure backend will instead commit
 * the parts' existing shards as the object's layout, a metadata-only step.
 */

export interface PartFile {
  partNumber: number;
  path: string;
  /** As recorded when the part was acknowledged. */
  size: number;
}

/**
 * Concatenates `parts` into a new fsynced temp file whose mtime is `mtime`
 * (S3 dates a multipart object by its upload's initiation). InvalidPart when
 * a part file is missing or no longer has its recorded size.
 */
export async function assembleParts(temp: TempArea, parts: readonly PartFile[], mtime: Date, signal?: AbortSignal): Promise<StagedFile> {
  const copier = new ByteCopier();
  return temp.produce(async (dest) => {
    let offset = 0;
    for (const part of parts) {
      const source = await openPart(part);
      try {
        if ((await source.stat()).size !== part.size) throw partDamaged(part);
        await copier.copy(source, part.size, dest, offset, () => partDamaged(part), { signal });
      } finally {
        await source.close();
      }
      offset += part.size;
    }
    // utimes takes float seconds and the conversion to nanoseconds truncates: aim half a
    // millisecond in, so the millisecond read back (object-info.ts mtimeMs) is exactly `mtime`'s.
    const seconds = (mtime.getTime() + 0.5) / 1000;
    await dest.utimes(seconds, seconds);
  });
}

/** Checks, without reading them, that every part file is there with its recorded size. */
export async function assertPartFilesPresent(parts: readonly PartFile[]): Promise<void> {
  for (const part of parts) {
    let size: number;
    try {
      size = (await fs.stat(part.path)).size;
    } catch (err) {
      if (isNotFound(err)) throw partDamaged(part);
      throw err;
    }
    if (size !== part.size) throw partDamaged(part);
  }
}

async function openPart(part: PartFile): Promise<fs.FileHandle> {
  try {
    return await fs.open(part.path, 'r');
  } catch (err) {
    if (isNotFound(err)) throw partDamaged(part);
    throw err;
  }
}

/** A recorded part whose file is gone or altered (damage behind cairn's back): S3 has only InvalidPart for it. */
function partDamaged(part: PartFile): S3Error {
  return new S3Error('InvalidPart', {
    message: `Part ${part.partNumber} could not be read back: its stored data is missing or damaged. Upload it again.`,
    extra: { PartNumber: String(part.partNumber) },
  });
}
