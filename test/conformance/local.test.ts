import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalBackend } from '../../src/backends/local/local-backend.js';
import { runBackendConformance } from './backend-suite.js';

runBackendConformance('local', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'cairn-local-conformance-'));
  const backend = LocalBackend.open({ root });
  return {
    backend,
    async cleanup() {
      await backend.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});
