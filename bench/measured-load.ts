/** A closed-loop load plus the server process's CPU use while it ran. */
import { performance } from 'node:perf_hooks';
import { runLoad, type LoadResult, type LoadSpec, type Target } from './load.js';
import type { ServerChild } from './processes.js';

/** One load's result plus the server's CPU use during it, in cores. */
export type Measured = LoadResult & { serverCores: number };

/**
 * Runs the load and measures the server's CPU over the whole of it (warm-up
 * and tail included), in cores: near 1 means its event loop is saturated.
 * A failed load rejects naming the scenario and target.
 */
export async function measuredLoad(scenario: string, server: ServerChild, target: Target, spec: LoadSpec): Promise<Measured> {
  const cpuBefore = server.cpuSeconds();
  const wallBefore = performance.now();
  const result = await runLoad(target, spec).catch((err: unknown) => {
    throw new Error(`scenario "${scenario}" against ${target.name} failed: ${err instanceof Error ? err.message : String(err)}`);
  });
  const cores = (server.cpuSeconds() - cpuBefore) / ((performance.now() - wallBefore) / 1000);
  return { ...result, serverCores: cores };
}
