/** Real erasure backends over temporary drive folders, for the scanner and admin tests. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ErasureBackend } from '../../../src/backends/erasure/erasure-backend.js';
import { getBytes, putBytes } from '../../conformance/harness.js';

export { getBytes, putBytes };

export interface Drives {
  dir: string;
  volumes: string[];
  open(): Promise<ErasureBackend>;
  cleanup(): Promise<void>;
}

/** `count` drive folders (one set, default parity: 2 + 2 for four drives). */
export async function makeDrives(count = 4): Promise<Drives> {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-scanner-'));
  const volumes = Array.from({ length: count }, (_, i) => join(dir, `drive${i + 1}`));
  return {
    dir,
    volumes,
    open: () => ErasureBackend.open({ volumes, parity: {} }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

/**
 * Every committed shard file of a drive, by path relative to the drive root,
 * with the SHA-256 of its bytes (deep equality over large Buffers is slow).
 */
export async function shardFiles(driveRoot: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const path of await walk(join(driveRoot, 'data'))) files.set(relative(driveRoot, path), createHash('sha256').update(await readFile(path)).digest('hex'));
  return files;
}

/** Shard files of every drive, keyed by drive root. */
export async function allShardFiles(volumes: readonly string[]): Promise<Map<string, Map<string, string>>> {
  return new Map(await Promise.all(volumes.map(async (root) => [root, await shardFiles(root)] as const)));
}

/** Empties a drive folder (a blank replacement). */
export async function blank(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root);
}

/** A pseudo-random body of `size` bytes (deterministic per seed). */
export function bytes(size: number, seed = 1): Buffer {
  const data = Buffer.allocUnsafe(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return data;
}
