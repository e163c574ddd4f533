/**
 * The piscina worker behind pool.ts: runs run-codec.ts with this thread's own
 * kernel and moves every result buffer back to the caller.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { bestKernel } from './kernels.js';
import type { CodecTask, EncodeAnswer, EncodeTask } from './pool-tasks.js';
import { assembleRun, encodeRun, rebuildRun, type RunVerification } from './run-codec.js';

const kernel = bestKernel();

export default function codecTask(task: CodecTask): unknown {
  switch (task.op) {
    case 'encode':
      return encode(task);
    case 'assemble':
      return move(backingOf([assembleRun(kernel, task.geometry, shardBuffers(task.shards), task.dataLength, verified(task))]));
    case 'rebuild':
      return move(backingOf(rebuildRun(kernel, task.geometry, shardBuffers(task.shards), task.dataLength, task.wanted, verified(task))));
  }
}

/** Encodes into the task's output buffer and moves it back together with the data buffer, for reuse. */
function encode(task: EncodeTask): unknown {
  encodeRun(kernel, task.geometry, new Uint8Array(task.data, 0, task.dataLength), task.output);
  const answer: EncodeAnswer = { output: task.output, data: task.data };
  return move({ [transferableSymbol]: [task.output, task.data], [valueSymbol]: answer });
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
