import { describe, expect, it } from 'vitest';
import { chooseVersion, meetsWriteQuorum, onEveryDrive, writeQuorum, type Ballot, type DriveAnswer } from '../../../src/backends/erasure/quorum.js';

interface V {
  id: string;
  at: number;
  tag?: string;
}
const ballot = (v: V): Ballot => ({ version: v.id, readQuorum: 2, ageMs: v.at });
const found = (v: V): DriveAnswer<V> => ({ state: 'found', value: v });
const absent: DriveAnswer<V> = { state: 'absent' };
const failed: DriveAnswer<V> = { state: 'failed', error: new Error('x') };
const corrupt: DriveAnswer<V> = { state: 'corrupt' };

describe('quorum', () => {
  it('write quorum is k, or k + 1 when k = m', () => {
    expect(writeQuorum(2, 2)).toBe(3);
    expect(writeQuorum(4, 2)).toBe(4);
    expect(writeQuorum(1, 0)).toBe(1);
    expect(meetsWriteQuorum(2, 2, 2)).toBe(false);
    expect(meetsWriteQuorum(3, 2, 2)).toBe(true);
  });

  it('chooses the newest version held by its read quorum', () => {
    const a = { id: 'a', at: 1 };
    const b = { id: 'b', at: 2 };
    expect(chooseVersion([found(a), found(a), found(b), absent], ballot, 2).value).toBe(a);
    const verdict = chooseVersion([found(a), found(a), found(b), found(b)], ballot, 2);
    expect(verdict.value).toBe(b);
    expect(verdict.holders).toEqual([2, 3]);
  });

  it('says absent when no version can exist, and SlowDown when the silent drives might hold one', () => {
    const a = { id: 'a', at: 1 };
    expect(chooseVersion([absent, absent, found(a), absent], ballot, 2).value).toBeUndefined();
    expect(() => chooseVersion([failed, absent, found(a), absent], ballot, 2)).toThrow(expect.objectContaining({ code: 'SlowDown' }));
    expect(() => chooseVersion([corrupt, failed, failed, absent], ballot, 2)).toThrow(expect.objectContaining({ code: 'SlowDown' }));
    expect(chooseVersion([failed, failed, absent, absent], ballot, 2).value).toBeUndefined();
  });

  it('prefers the copy most drives hold among copies of one version', () => {
    const old = { id: 'a', at: 1, tag: 'old' };
    const updated = { id: 'a', at: 1, tag: 'new' };
    const verdict = chooseVersion([found(old), found(updated), found(updated), found(updated)], ballot, 2, (v) => v.tag ?? '');
    expect(verdict.value).toBe(updated);
    expect(verdict.holders).toEqual([0, 1, 2, 3]);
  });

  it('runs a task on every drive, a synchronous throw counting as that drive failing', async () => {
    const results = await onEveryDrive([1, 2, 3], (n) => {
      if (n === 2) throw new Error('sync');
      return n === 3 ? Promise.reject(new Error('async')) : Promise.resolve();
    });
    expect(results).toEqual([true, false, false]);
  });
});
