import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { scratchDir } from './helpers.js';

const dir = scratchDir();
const creds = { CAIRN_ROOT_USER: 'admin', CAIRN_ROOT_PASSWORD: 'secret-password' };

describe('RustFS and MinIO aliases', () => {
  it.each([
    ['RUSTFS_ADDRESS', '127.0.0.5:9005'],
    ['MINIO_ADDRESS', '127.0.0.6:9006'],
  ])('%s sets the address', (name, value) => {
    const { config, origins } = resolveConfig({ env: { [name]: value }, cwd: dir });
    expect(`${config.address.host}:${config.address.port}`).toBe(value);
    expect(origins.address).toEqual({ source: 'env', name });
  });

  it.each(['RUSTFS_VOLUMES', 'MINIO_VOLUMES'])('%s sets the volumes', (name) => {
    expect(resolveConfig({ env: { [name]: '/aliased/data' }, cwd: dir }).config.volumes).toEqual(['/aliased/data']);
  });

  it.each(['RUSTFS_REGION', 'MINIO_SITE_REGION', 'MINIO_REGION'])('%s sets the region', (name) => {
    expect(resolveConfig({ env: { [name]: 'eu-north-1' }, cwd: dir }).config.region).toBe('eu-north-1');
  });

  it.each(['RUSTFS_SERVER_DOMAINS', 'MINIO_DOMAIN'])('%s sets the domains', (name) => {
    expect(resolveConfig({ env: { [name]: 'a.example.com,b.example.com' }, cwd: dir }).config.domains).toEqual(['a.example.com', 'b.example.com']);
  });

  it.each([
    ['RUSTFS_ACCESS_KEY', 'RUSTFS_SECRET_KEY'],
    ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'],
    ['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY'],
  ])('%s / %s set the credentials', (user, password) => {
    const { config } = resolveConfig({ env: { [user]: 'aliasuser', [password]: 'alias-password' }, cwd: dir });
    expect([config.rootUser, config.rootPassword, config.credentialsAreDefault]).toEqual(['aliasuser', 'alias-password', false]);
  });

  it.each([
    ['RUSTFS_ERASURE_SET_DRIVE_COUNT', 'RUSTFS_STORAGE_CLASS_STANDARD', 'RUSTFS_STORAGE_CLASS_RRS'],
    ['MINIO_ERASURE_SET_DRIVE_COUNT', 'MINIO_STORAGE_CLASS_STANDARD', 'MINIO_STORAGE_CLASS_RRS'],
  ])('%s, %s and %s shape the derived erasure backend', (setCount, standard, rrs) => {
    const env = { CAIRN_VOLUMES: '/d{1...8}', [setCount]: '4', [standard]: 'EC:1', [rrs]: 'ec:0' };
    expect(resolveConfig({ env, cwd: dir }).config.backends.default).toEqual({
      type: 'erasure',
      volumes: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `/d${n}`),
      setDriveCount: 4,
      parity: { STANDARD: 1, REDUCED_REDUNDANCY: 0 },
    });
  });

  it('MINIO_SHUTDOWN_TIMEOUT takes a Go-style duration', () => {
    expect(resolveConfig({ env: { MINIO_SHUTDOWN_TIMEOUT: '5s' }, cwd: dir }).config.shutdownTimeoutMs).toBe(5000);
  });
});

describe('CAIRN_* wins over aliases', () => {
  const env = {
    ...creds,
    CAIRN_ADDRESS: '127.0.0.1:9100', RUSTFS_ADDRESS: '127.0.0.1:9200', MINIO_ADDRESS: '127.0.0.1:9300',
    CAIRN_REGION: 'cairn-region', RUSTFS_REGION: 'rustfs-region', MINIO_REGION: 'minio-region',
    CAIRN_VOLUMES: '/cairn', RUSTFS_VOLUMES: '/rustfs', MINIO_VOLUMES: '/minio',
    CAIRN_DOMAIN: 'cairn.example', MINIO_DOMAIN: 'minio.example',
    RUSTFS_ACCESS_KEY: 'rustfsuser', RUSTFS_SECRET_KEY: 'rustfs-password',
    MINIO_ROOT_USER: 'miniouser', MINIO_ROOT_PASSWORD: 'minio-password',
    CAIRN_SHUTDOWN_TIMEOUT: '1000', MINIO_SHUTDOWN_TIMEOUT: '5s',
  };

  it('for every setting', () => {
    const { config } = resolveConfig({ env, cwd: dir });
    expect(config.address.port).toBe(9100);
    expect(config.region).toBe('cairn-region');
    expect(config.volumes).toEqual(['/cairn']);
    expect(config.domains).toEqual(['cairn.example']);
    expect([config.rootUser, config.rootPassword]).toEqual(['admin', 'secret-password']);
    expect(config.shutdownTimeoutMs).toBe(1000);
  });

  it('RustFS names win over MinIO names', () => {
    const { CAIRN_ADDRESS: _a, CAIRN_ROOT_USER: _u, CAIRN_ROOT_PASSWORD: _p, ...rest } = env;
    const { config } = resolveConfig({ env: rest, cwd: dir });
    expect(config.address.port).toBe(9200);
    expect(config.rootUser).toBe('rustfsuser');
  });

  it('empty values count as unset', () => {
    const { config, origins } = resolveConfig({ env: { CAIRN_ADDRESS: '', RUSTFS_ADDRESS: '', MINIO_ADDRESS: '127.0.0.1:9300', CAIRN_REGION: '' }, cwd: dir });
    expect(config.address.port).toBe(9300);
    expect(origins.address.name).toBe('MINIO_ADDRESS');
    expect(config.region).toBe('us-east-1');
  });

  it('credential names mix: user and password are looked up independently', () => {
    const { config } = resolveConfig({ env: { CAIRN_ROOT_USER: 'mixuser', MINIO_ROOT_PASSWORD: 'minio-password' }, cwd: dir });
    expect([config.rootUser, config.rootPassword]).toEqual(['mixuser', 'minio-password']);
  });
});
