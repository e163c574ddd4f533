/**
 * The piscina worker behind pool.ts: runs run-codec.ts with this thread's own
 * kernel and moves every result buffer back to the caller.
 */
import { move } from 'piscina';
import { bestKernel } from './kernels.js';
import type { CodecTask } from './pool-tasks.js';
import { assembleRun, encodeRun, rebuildRun, type RunVerification } from './run-codec.js';

const kernel = bestKernel();

export default function codecTask(task: CodecTask): unknown {
  switch (task.op) {
    case 'encode':
      return move(backingOf(encodeRun(kernel, task.geometry, new Uint8Array(task.data))));
    case 'assemble':
      return move(backingOf([assembleRun(kernel, task.geometry, shardBuffers(task.shards), task.dataLength, verified(task))]));
    case 'rebuild':
      return move(backingOf(rebuildRun(kernel, task.geometry, shardBuffers(task.shards), task.dataLength, task.wanted, verified(task))));
  }
}

/** The main thread verified the shards; the worker trusts its masks and does not hash again. */
function verified(task: { validMasks: number[] }): RunVerification {
  return { validMasks: task.validMasks, corrupt: [] };
}

function shardBuffers(shards: (ArrayBuffer | undefined)[]): (Buffer | undefined)[] {
  return shards.map((shard) => (shard ? Buffer.from(shard) : undefined));
}

/** The one ArrayBuffer that run-codec.ts's results are views into. */
function backingOf(buffers: Buffer[]): ArrayBuffer {
  return (buffers[0]?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(0);
}
