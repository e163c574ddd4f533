import { describe, expect, it } from 'vitest';
import { BufferRecycler } from '../../../src/erasure/pool-buffers.js';

describe('BufferRecycler', () => {
  it('hands back a given buffer of a taken length, and owns only what it handed out', () => {
    const recycler = new BufferRecycler(1 << 20);
    const first = recycler.take(1000);
    expect(first.byteLength).toBe(1000);
    expect(recycler.owns(first)).toBe(true);
    expect(recycler.owns(new ArrayBuffer(1000))).toBe(false);
    recycler.give(first);
    expect(recycler.owns(first)).toBe(false);
    expect(recycler.idleBytes).toBe(1000);
    expect(recycler.take(1000)).toBe(first);
    expect(recycler.idleBytes).toBe(0);
    expect(recycler.take(1000)).not.toBe(first); // none idle: a new one
  });

  it('keeps idle buffers under its cap and never keeps lengths nobody takes', () => {
    const recycler = new BufferRecycler(2500);
    const taken = [recycler.take(1000), recycler.take(1000), recycler.take(1000)];
    for (const buffer of taken) recycler.give(buffer);
    expect(recycler.idleBytes).toBe(2000); // the third would pass the cap
    recycler.give(new ArrayBuffer(300)); // a length never taken
    expect(recycler.idleBytes).toBe(2000);
    recycler.give(new ArrayBuffer(0)); // e.g. a detached buffer
    expect(recycler.idleBytes).toBe(2000);
  });
});
