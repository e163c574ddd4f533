import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORMAT_PATH, newLayout, readFormat, writeFormat, type FormatRecord } from '../../../src/backends/erasure/format.js';
import { chooseSetSize } from '../../../src/backends/erasure/set-size.js';
import { tempRoot } from './meta-store-fixtures.js';

let root: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  root = await tempRoot('cairn-format-');
});
afterEach(() => root.cleanup());

const record: FormatRecord = { format: 'cairn-erasure', version: 1, deploymentId: 'dep', driveId: 'd2', sets: [['d1', 'd2']] };

describe('format records', () => {
  it('round-trips, leaving no temp file behind', async () => {
    expect(await readFormat(root.dir)).toBeUndefined();
    await writeFormat(root.dir, record);
    expect(await readFormat(root.dir)).toEqual(record);
    expect(JSON.parse(await readFile(path.join(root.dir, FORMAT_PATH), 'utf8'))).toEqual(record);
    await writeFormat(root.dir, { ...record, driveId: 'd1' });
    expect((await readFormat(root.dir))?.driveId).toBe('d1');
    expect(await readdir(path.join(root.dir, '.cairn.sys'))).toEqual(['format.json']);
  });

  it('refuses unreadable or invalid records instead of treating the drive as blank', async () => {
    await mkdir(path.join(root.dir, '.cairn.sys'));
    const file = path.join(root.dir, FORMAT_PATH);
    await writeFile(file, '{"format": "cairn-erasure", ');
    await expect(readFormat(root.dir)).rejects.toThrow(/not valid JSON/);
    await writeFile(file, JSON.stringify({ ...record, version: 2 }));
    await expect(readFormat(root.dir)).rejects.toThrow(/unsupported version 2/);
    await writeFile(file, JSON.stringify({ ...record, driveId: 'elsewhere' }));
    await expect(readFormat(root.dir)).rejects.toThrow(/driveId is not in its sets/);
    await writeFile(file, JSON.stringify({ ...record, sets: [[]] }));
    await expect(readFormat(root.dir)).rejects.toThrow(/invalid sets/);
  });

  it('lays out new deployments with unique ids', () => {
    const layout = newLayout(8, 4);
    expect(layout.sets.map((set) => set.length)).toEqual([4, 4]);
    expect(new Set([...layout.sets.flat(), layout.deploymentId]).size).toBe(9);
  });
});

describe('chooseSetSize', () => {
  it('takes the largest divisor up to 16 by default', () => {
    expect([1, 2, 3, 4, 6, 12, 16, 18, 20, 32, 34].map((n) => chooseSetSize(n))).toEqual([1, 2, 3, 4, 6, 12, 16, 9, 10, 16, 2]);
  });

  it('honours a configured size that fits', () => {
    expect(chooseSetSize(8, 4)).toBe(4);
    expect(chooseSetSize(6, 2)).toBe(2);
    expect(chooseSetSize(1, 1)).toBe(1);
  });

  it('explains sizes that cannot work', () => {
    expect(() => chooseSetSize(0)).toThrow(/at least one volume/);
    expect(() => chooseSetSize(17)).toThrow(/17 volumes cannot form erasure sets of 2–16/);
    expect(() => chooseSetSize(8, 3)).toThrow(/3 does not divide the 8 volumes/);
    expect(() => chooseSetSize(32, 32)).toThrow(/outside 2–16/);
    expect(() => chooseSetSize(4, 1)).toThrow(/outside 2–16/);
    expect(() => chooseSetSize(1, 2)).toThrow(/single volume/);
  });
});
