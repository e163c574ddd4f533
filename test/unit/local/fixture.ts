import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalBackend } from '../../../src/backends/local/local-backend.js';

export interface LocalFixture {
  /** The served root (real path). */
  root: string;
  backend: LocalBackend;
  /** Closes and opens the backend again on the same root (a restart). */
  reopen(): Promise<LocalBackend>;
  cleanup(): Promise<void>;
}

export async function openLocal(): Promise<LocalFixture> {
  const base = await mkdtemp(path.join(tmpdir(), 'cairn-local-unit-'));
  const fixture: LocalFixture = {
    root: '',
    backend: LocalBackend.open({ root: path.join(base, 'root') }),
    async reopen() {
      await fixture.backend.close();
      fixture.backend = LocalBackend.open({ root: fixture.root });
      return fixture.backend;
    },
    async cleanup() {
      await fixture.backend.close();
      await rm(base, { recursive: true, force: true });
    },
  };
  fixture.root = fixture.backend.root;
  return fixture;
}

/** A directory next to the root, for symlink targets that must stay unreachable. */
export function outsideDir(fixture: LocalFixture): string {
  return path.join(path.dirname(fixture.root), 'outside');
}
