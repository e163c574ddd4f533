import { afterEach, describe, expect, it } from 'vitest';
import { ReadLeases } from '../../../src/backends/erasure/read-leases.js';
import { bodyOf, bytes, dataDirs, meta, noCheck, openTestSet, readAll, type TestSet } from './erasure-set-fixtures.js';

const MiB = 1 << 20;

describe('ReadLeases', () => {
  it('runs an action at once when nothing reads the version, else after the last read ends', () => {
    const leases = new ReadLeases();
    const ran: string[] = [];
    leases.whenUnread('b', 'd1', () => ran.push('free'));
    expect(ran).toEqual(['free']);
    const first = leases.acquire('b', 'd2');
    const second = leases.acquire('b', 'd2');
    leases.whenUnread('b', 'd2', () => ran.push('d2'));
    first();
    first(); // releasing twice counts once
    expect(ran).toEqual(['free']);
    second();
    expect(ran).toEqual(['free', 'd2']);
  });
});

describe('an overwrite while a GET of the old version streams', () => {
  let current: TestSet | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });

  it('lets the GET finish with the old bytes and frees the old data only afterwards', async () => {
    current = await openTestSet(4, 2, { readBlocksPerRun: 1 });
    const { set, drives } = current;
    const old = bytes(6 * MiB + 17);
    const record = await set.put('bkt', 'k', bodyOf(old), 'STANDARD', { meta }, noCheck);
    const reading = set.read(record, undefined);
    const firstChunk = await new Promise<Buffer>((resolve) => reading.once('data', (chunk: Buffer) => {
      reading.pause();
      resolve(chunk);
    }));
    await set.put('bkt', 'k', bodyOf(bytes(3 * MiB)), 'STANDARD', { meta }, noCheck);
    expect(await dataDirs(drives[0], 'bkt')).toContain(record.dataId);
    const rest = await readAll(reading);
    expect(Buffer.concat([firstChunk, rest]).equals(old)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await dataDirs(drives[0], 'bkt')).not.toContain(record.dataId);
  });
});
