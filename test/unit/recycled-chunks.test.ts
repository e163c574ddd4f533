import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkRecycler, offerRecycling, recyclerOf } from '../../src/backends/recycled-chunks.js';

const LENGTH = 64 * 1024;

describe('ChunkRecycler', () => {
  it('reuses a buffer only once every view lent from it has come back', () => {
    const recycler = new ChunkRecycler(LENGTH);
    const first = recycler.take(LENGTH);
    const views = [first.subarray(0, 100), first.subarray(100, 200)];
    recycler.lend(views, [first]);
    recycler.recycle(views[0]);
    expect(recycler.take(LENGTH).buffer).not.toBe(first.buffer);
    recycler.recycle(views[1]);
    expect(recycler.take(LENGTH).buffer).toBe(first.buffer);
  });

  it('frees at once a buffer no lent view points into', () => {
    const recycler = new ChunkRecycler(LENGTH);
    const unused = recycler.take(LENGTH);
    recycler.lend([Buffer.from('elsewhere')], [unused]);
    expect(recycler.take(LENGTH).buffer).toBe(unused.buffer);
  });

  it('never reuses other sizes, foreign chunks or a chunk handed back twice', () => {
    const recycler = new ChunkRecycler(LENGTH);
    const odd = recycler.take(LENGTH - 1);
    recycler.lend([odd], [odd]);
    recycler.recycle(odd);
    expect(recycler.take(LENGTH - 1).buffer).not.toBe(odd.buffer);
    const foreign = Buffer.alloc(LENGTH);
    recycler.recycle(foreign);
    expect(recycler.take(LENGTH).buffer).not.toBe(foreign.buffer);

    const once = recycler.take(LENGTH);
    recycler.lend([once], [once]);
    recycler.recycle(once);
    recycler.recycle(once); // ignored: it was already given back
    const again = recycler.take(LENGTH);
    expect(again.buffer).toBe(once.buffer);
    expect(recycler.take(LENGTH).buffer).not.toBe(once.buffer);
  });
});

describe('offerRecycling', () => {
  it('marks a body so a consumer finds where to hand chunks back', () => {
    const handed: Buffer[] = [];
    const body = offerRecycling(Readable.from([Buffer.from('x')]), (chunk) => handed.push(chunk));
    recyclerOf(body)?.(Buffer.from('y'));
    expect(handed.map(String)).toEqual(['y']);
    expect(recyclerOf(Readable.from([]))).toBeUndefined();
  });
});
