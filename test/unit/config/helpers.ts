import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { loadConfig, type LoadOptions } from '../../../src/config/load.js';

/** A scratch directory per test file, used as cwd and for config files. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let counter = 0;
export function writeConfig(dir: string, yaml: string): string {
  const path = join(dir, `config-${++counter}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** The ConfigError loadConfig throws; fails the test when it returns instead. */
export function configError(options: LoadOptions): ConfigError {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).not.toContain('\n');
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

export const CREDS = { CAIRN_ROOT_USER: 'admin', CAIRN_ROOT_PASSWORD: 'secret-password' };
