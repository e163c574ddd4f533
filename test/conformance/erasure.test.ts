import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { ErasureBackend, type ErasureBackendOptions } from '../../src/backends/erasure/erasure-backend.js';
import { runBackendConformance, type BackendFactory } from './backend-suite.js';

const opened: { backend: ErasureBackend; root: string }[] = [];

afterAll(async () => {
  for (const { backend, root } of opened.splice(0)) {
    await backend.close();
    await rm(root, { recursive: true, force: true });
  }
});

/**
 * One erasure backend over `drives` drive folders, shared by the tests of a
 * configuration: the suite gives every test its own buckets, and opening a
 * deployment (formatting drives, opening their databases) per test would
 * cost about half a second each.
 */
function erasureFactory(drives: number, options: Omit<ErasureBackendOptions, 'volumes'>): BackendFactory {
  let shared: Promise<ErasureBackend> | undefined;
  const open = async (): Promise<ErasureBackend> => {
    const root = await mkdtemp(path.join(tmpdir(), `cairn-erasure-conformance-${drives}-`));
    const volumes = Array.from({ length: drives }, (_, i) => path.join(root, `drive${i + 1}`));
    const backend = await ErasureBackend.open({ volumes, ...options });
    opened.push({ backend, root });
    return backend;
  };
  return async () => {
    shared ??= open();
    return { backend: await shared, cleanup: async () => undefined };
  };
}

// The default deployment: one set of 4 drives, 2 data + 2 parity (the default parity for 4).
runBackendConformance('erasure 2+2 (4 drives)', erasureFactory(4, { parity: {} }));
// One drive works with every feature: no parity.
runBackendConformance('erasure 1+0 (1 drive)', erasureFactory(1, { parity: {} }));
// Two sets of 3 drives (2+1 each): placement, listing and uploads across sets.
runBackendConformance('erasure 2 sets of 2+1 (6 drives)', erasureFactory(6, { setDriveCount: 3, parity: { STANDARD: 1 } }));
