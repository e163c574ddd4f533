import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FILE_KEY_NAMES } from '../../../src/config/file.js';
import { loadConfig } from '../../../src/config/load.js';
import { DEFAULTS } from '../../../src/config/schema.js';
import { ENV_NAMES } from '../../../src/config/env.js';
import { HELP_TEXT } from '../../../src/config/cli.js';
import { scratchDir, writeConfig } from './helpers.js';

const examplePath = resolve(import.meta.dirname, '../../../config.example.yaml');
const exampleText = readFileSync(examplePath, 'utf8');
const dir = scratchDir();

describe('config.example.yaml', () => {
  it('parses and validates', () => {
    const config = loadConfig({ flags: { config: examplePath }, env: {}, cwd: '/srv/cairn' });
    expect(config.address).toEqual(DEFAULTS.address);
    const drives = [1, 2, 3, 4].map((n) => `/srv/cairn/data/drive${n}`);
    expect(config.volumes).toEqual(drives);
    expect(config.backends).toEqual({ default: { type: 'erasure', volumes: drives, parity: {} } });
    expect(config.maxXmlBodyBytes).toBe(DEFAULTS.maxXmlBodyBytes);
    expect(config.credentialsAreDefault).toBe(true);
  });

  it('as shipped changes nothing: it equals the defaults', () => {
    const cwd = '/srv/cairn';
    expect(loadConfig({ flags: { config: examplePath }, env: {}, cwd })).toEqual(loadConfig({ env: {}, cwd }));
  });

  it('sets every key the file accepts, except those without a fixed default, shown commented out', () => {
    // The token has no default; the erasure geometry defaults depend on the drive count.
    const optional = ['metricsToken', 'erasureSetDriveCount', 'storageClassStandard', 'storageClassRrs'];
    expect(Object.keys(parse(exampleText) as object).sort()).toEqual(FILE_KEY_NAMES.filter((k) => !optional.includes(k)).sort());
    for (const key of optional) expect(exampleText).toMatch(new RegExp(`^# ${key}: `, 'm'));
  });

  it('its commented-out metricsToken line is valid when uncommented', () => {
    const line = exampleText.split('\n').find((l) => l.startsWith('# metricsToken: '))!.slice(2);
    const path = writeConfig(dir, line);
    expect(loadConfig({ flags: { config: path }, env: {}, cwd: dir }).metricsToken).toHaveLength(32);
  });

  it('mentions every environment variable and alias, as does the help text', () => {
    for (const name of [...Object.values(ENV_NAMES).flat(), 'CAIRN_CONFIG']) {
      expect(exampleText, name).toContain(name);
      expect(HELP_TEXT, name).toContain(name);
    }
  });

  it('keeps working when copied elsewhere (relative paths resolve against cwd)', () => {
    const config = loadConfig({ flags: { config: examplePath }, env: {}, cwd: '/elsewhere' });
    expect(config.volumes).toEqual([1, 2, 3, 4].map((n) => join('/elsewhere', `data/drive${n}`)));
  });
});
