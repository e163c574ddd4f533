import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/backends/backend.js';
import { LocalBackend } from '../../../src/backends/local/local-backend.js';
import { BackendRegistry, createBackend, type BackendSpec } from '../../../src/backends/registry.js';

function fakeBackend(name: string, closed: string[]): Backend {
  return { type: name, close: async () => void closed.push(name) } as unknown as Backend;
}

describe('backend registry', () => {
  it('routes buckets to their backend and everything else to the default', () => {
    const closed: string[] = [];
    const main = fakeBackend('main', closed);
    const cold = fakeBackend('cold', closed);
    const registry = new BackendRegistry(new Map([['main', main], ['cold', cold]]), 'main', { archive: 'cold' });
    expect(registry.resolve('archive')).toBe(cold);
    expect(registry.resolve('anything-else')).toBe(main);
    expect(registry.backendFor('cold')).toBe(cold);
    expect(registry.all()).toEqual([main, cold]);
    expect(() => registry.backendFor('nope')).toThrow(/not configured/);
  });

  it('refuses a default or a route naming an unknown backend', () => {
    const main = fakeBackend('main', []);
    expect(() => new BackendRegistry(new Map([['main', main]]), 'other')).toThrow(/default backend "other"/);
    expect(() => new BackendRegistry(new Map([['main', main]]), 'main', { b: 'ghost' })).toThrow(/routed to backend "ghost"/);
  });

  it('closes every backend', async () => {
    const closed: string[] = [];
    const registry = new BackendRegistry(new Map([['a', fakeBackend('a', closed)], ['b', fakeBackend('b', closed)]]), 'a');
    await registry.close();
    expect(closed.sort()).toEqual(['a', 'b']);
  });

  it('builds a local backend and rejects unknown types clearly', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'cairn-registry-'));
    try {
      const backend = await createBackend({ type: 'local', root });
      expect(backend).toBeInstanceOf(LocalBackend);
      expect(backend.type).toBe('local');
      await backend.close();
      await expect(createBackend({ type: 'tape', root } as unknown as BackendSpec)).rejects.toThrow(/unknown backend type "tape"/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
