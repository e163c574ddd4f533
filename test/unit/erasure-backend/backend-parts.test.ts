import { describe, expect, it } from 'vitest';
import { HealQueue, type HealTarget } from '../../../src/backends/erasure/heal-queue.js';
import { defaultParity } from '../../../src/erasure/set-geometry.js';
import { resolveParity } from '../../../src/backends/erasure/parity.js';
import { setIndexFor } from '../../../src/backends/erasure/placement.js';

describe('parity by set size', () => {
  it('defaults as MinIO and RustFS do, reduced redundancy to one parity drive', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 16].map(defaultParity)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4]);
    expect(resolveParity(4, {})).toEqual({ STANDARD: 2, REDUCED_REDUNDANCY: 1 });
    expect(resolveParity(1, {})).toEqual({ STANDARD: 0, REDUCED_REDUNDANCY: 0 });
    expect(resolveParity(6, { STANDARD: 2, REDUCED_REDUNDANCY: 0 })).toEqual({ STANDARD: 2, REDUCED_REDUNDANCY: 0 });
  });

  it('refuses parity over half the set', () => {
    expect(() => resolveParity(4, { STANDARD: 3 })).toThrow(/STANDARD parity EC:3 is not possible on erasure sets of 4 drives \(at most EC:2\)/);
  });
});

describe('placement', () => {
  it('is stable and spreads keys over the sets', () => {
    expect(setIndexFor('bkt', 'a/b', 4)).toBe(setIndexFor('bkt', 'a/b', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[setIndexFor('bkt', `key-${i}`, 4)]++;
    for (const count of counts) expect(count).toBeGreaterThan(50);
    expect(setIndexFor('bkt', 'anything', 1)).toBe(0);
  });
});

describe('heal queue', () => {
  it('heals each queued object once, reports failures without throwing, and drains', async () => {
    const healed: string[] = [];
    const failed: string[] = [];
    const queue = new HealQueue({
      concurrency: 1,
      heal: async (target: HealTarget) => {
        if (target.key === 'bad') throw new Error('below read quorum');
        healed.push(target.key);
      },
      onError: (target) => failed.push(target.key),
    });
    queue.add({ setIndex: 0, bucket: 'b', key: 'x' });
    queue.add({ setIndex: 0, bucket: 'b', key: 'x' });
    queue.add({ setIndex: 0, bucket: 'b', key: 'bad' });
    queue.add({ setIndex: 1, bucket: 'b', key: 'y' });
    await queue.idle();
    expect(healed.sort()).toEqual(['x', 'y']);
    expect(failed).toEqual(['bad']);
    await queue.close();
    queue.add({ setIndex: 0, bucket: 'b', key: 'after-close' });
    await queue.idle();
    expect(healed).not.toContain('after-close');
  });

  it('drops new entries when full', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const healed: string[] = [];
    const queue = new HealQueue({ capacity: 2, concurrency: 1, heal: async (t: HealTarget) => { await gate; healed.push(t.key); }, onError: () => undefined });
    for (const key of ['a', 'b', 'c', 'd']) queue.add({ setIndex: 0, bucket: 'b', key });
    expect(queue.size).toBeLessThanOrEqual(2);
    release();
    await queue.idle();
    expect(healed.length).toBeLessThan(4);
  });
});
