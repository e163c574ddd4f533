/**
 * What the erasure-store groups (erasure, listing, rss) share: the run's
 * context, and cairn over 6 drive folders with EC 4+2 and fsync on, as the
 * issue's targets are stated.
 */
import { mkdir } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { send } from './load.js';
import { startCairnChild, type ServerChild } from './processes.js';
import { cairnTarget, PASSWORD, USER } from './targets.js';

export interface GroupContext {
  /** The run's temp directory (under --dir). */
  base: string;
  seconds: number;
  warmup: number;
  runs: number;
  /** 16 MiB of random bytes; bodies are slices of it. */
  data: Buffer;
  /** The bare node:http server (ceiling-server.ts). */
  ceiling: ServerChild;
  /** Raw sequential write + fsync samples, MB/s, one per run. */
  disk: number[];
  /** Children started here are added so the run's cleanup stops them. */
  children: ServerChild[];
  log(line: string): void;
}

export const ERASURE_DRIVES = 6;
export const ERASURE_PARITY = 2;
export const ERASURE_LAYOUT = `EC ${ERASURE_DRIVES - ERASURE_PARITY}+${ERASURE_PARITY} over ${ERASURE_DRIVES} drive folders`;

/** The drive folders of deployment `name` under the run's directory. */
export function erasureVolumes(ctx: GroupContext, name: string): string[] {
  return Array.from({ length: ERASURE_DRIVES }, (_, i) => join(ctx.base, name, `drive${i + 1}`));
}

/** The settings that make a multi-volume cairn one erasure set of 6 with parity 2. */
export const ERASURE_SETTINGS: Record<string, string> = {
  CAIRN_ERASURE_SET_DRIVE_COUNT: String(ERASURE_DRIVES),
  CAIRN_STORAGE_CLASS_STANDARD: `EC:${ERASURE_PARITY}`,
};

/** Starts cairn over deployment `name`'s volumes (created if missing) and makes sure `buckets` exist. */
export async function startErasureCairn(ctx: GroupContext, name: string, buckets: string[]): Promise<ServerChild> {
  const volumes = erasureVolumes(ctx, name);
  for (const volume of volumes) await mkdir(volume, { recursive: true });
  const child = await startCairnChild(volumes, USER, PASSWORD, ERASURE_SETTINGS);
  ctx.children.push(child);
  const agent = new Agent({ keepAlive: false });
  try {
    for (const bucket of buckets) {
      const target = cairnTarget(child.port, bucket);
      // 409 BucketAlreadyOwnedByYou is fine: a populated deployment already has its buckets.
      await send(agent, { ...target, path: () => `/${bucket}` }, 'PUT', '', Buffer.alloc(0), 0).catch((err: unknown) => {
        if (!(err instanceof Error && / answered 409:/.test(err.message))) throw err;
      });
    }
  } finally {
    agent.destroy();
  }
  return child;
}
