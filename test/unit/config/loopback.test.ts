import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { CREDS, configError, scratchDir, writeConfig } from './helpers.js';

const dir = scratchDir();

describe('default credentials only on loopback', () => {
  it.each(['0.0.0.0:9000', ':9000', '[::]:9000', '10.1.2.3:9000', 'example.com:9000'])('refuses %s with the defaults', (address) => {
    const message = configError({ env: { CAIRN_ADDRESS: address }, cwd: dir }).message;
    expect(message).toMatch(/^refusing to listen on .* with the default credentials cairnadmin\/cairnadmin: set CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD/);
    expect(message).toContain('CAIRN_ADDRESS (env)');
  });

  it('says 0.0.0.0 for :9000, which listens on all interfaces', () => {
    expect(configError({ flags: { address: ':9000' }, env: {}, cwd: dir }).message)
      .toContain('refusing to listen on 0.0.0.0:9000, as --address (command line) asks');
  });

  it.each(['0.0.0.0:9000', ':9000', '[::]:9000'])('allows %s with configured credentials', (address) => {
    const config = loadConfig({ env: { ...CREDS, CAIRN_ADDRESS: address }, cwd: dir });
    expect(config.credentialsAreDefault).toBe(false);
  });

  it('allows credentials from the config file', () => {
    const path = writeConfig(dir, 'address: ":9000"\nrootUser: fileuser\nrootPassword: file-password');
    expect(loadConfig({ flags: { config: path }, env: {}, cwd: dir }).address.host).toBe('0.0.0.0');
  });

  it.each(['127.0.0.1:9000', '127.8.9.10:9000', '[::1]:9000', 'localhost:9000'])('allows %s with the defaults', (address) => {
    const config = loadConfig({ env: { CAIRN_ADDRESS: address }, cwd: dir });
    expect(config.credentialsAreDefault).toBe(true);
    expect([config.rootUser, config.rootPassword]).toEqual(['cairnadmin', 'cairnadmin']);
  });

  it('treats credentials spelled out as the defaults like unset ones', () => {
    const env = { CAIRN_ROOT_USER: 'cairnadmin', CAIRN_ROOT_PASSWORD: 'cairnadmin' };
    expect(loadConfig({ env, cwd: dir }).credentialsAreDefault).toBe(true);
    expect(configError({ env: { ...env, CAIRN_ADDRESS: ':9000' }, cwd: dir }).message).toContain('refusing to listen');
  });
});
