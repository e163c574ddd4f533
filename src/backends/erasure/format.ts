/**
 * A drive's format record, <root>/.cairn.sys/format.json: which deployment
 * the drive belongs to, its own identity, and the layout of every set (drive
 * ids in position order). Every drive carries the whole layout, so any one
 * of them tells where each drive belongs: drives remounted in another order
 * are found by their id, and a drive of another deployment is recognised.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export const FORMAT_PATH = path.join('.cairn.sys', 'format.json');

export interface FormatRecord {
  format: 'cairn-erasure';
  version: 1;
  deploymentId: string;
  /** This drive's identity. */
  driveId: string;
  /** Drive ids of every set, in position order. */
  sets: string[][];
}

/**
 * The drive's format record; undefined when the drive has none (blank).
 * Throws when the file exists but cannot be read or is not a valid record:
 * such a drive is neither blank nor usable, and is never formatted over.
 */
export async function readFormat(root: string): Promise<FormatRecord | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(root, FORMAT_PATH), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`format record ${path.join(root, FORMAT_PATH)} is not valid JSON`);
  }
  return checkFormat(value, path.join(root, FORMAT_PATH));
}

function checkFormat(value: unknown, where: string): FormatRecord {
  const record = value as Partial<FormatRecord> | null;
  const isId = (id: unknown): id is string => typeof id === 'string' && id.length > 0;
  const problem =
    typeof record !== 'object' || record === null
      ? 'not an object'
      : record.format !== 'cairn-erasure'
        ? `unknown format ${JSON.stringify(record.format)}`
        : record.version !== 1
          ? `unsupported version ${JSON.stringify(record.version)}`
          : !isId(record.deploymentId) || !isId(record.driveId)
            ? 'missing deploymentId or driveId'
            : !Array.isArray(record.sets) || record.sets.length === 0 || !record.sets.every((set) => Array.isArray(set) && set.length > 0 && set.every(isId))
              ? 'invalid sets'
              : !record.sets.some((set) => set.includes(record.driveId!))
                ? 'its driveId is not in its sets'
                : undefined;
  if (problem) throw new Error(`format record ${where} is invalid: ${problem}`);
  return record as FormatRecord;
}

/** Writes the format record atomically and durably: temp file, fsync, rename, directory fsync. */
export async function writeFormat(root: string, record: FormatRecord): Promise<void> {
  const target = path.join(root, FORMAT_PATH);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `format.json.${randomUUID()}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
  // The .cairn.sys entry itself may be new: make it durable in the drive root too.
  await syncDir(root);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A new deployment's layout: fresh ids, `driveCount` drives in sets of `setSize`, in volume order. */
export function newLayout(driveCount: number, setSize: number): { deploymentId: string; sets: string[][] } {
  const sets: string[][] = [];
  for (let start = 0; start < driveCount; start += setSize) {
    sets.push(Array.from({ length: setSize }, () => randomUUID()));
  }
  return { deploymentId: randomUUID(), sets };
}
