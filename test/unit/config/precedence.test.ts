import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../../src/config/load.js';
import { DEFAULTS, type CairnConfig } from '../../../src/config/schema.js';
import { CREDS, scratchDir, writeConfig } from './helpers.js';

const dir = scratchDir();

describe('defaults', () => {
  it('fills every setting when nothing is configured', () => {
    const { config, origins } = resolveConfig({ env: {}, cwd: dir });
    expect(config).toEqual<CairnConfig>({
      address: { host: '127.0.0.1', port: 9000 },
      region: 'us-east-1',
      domains: [],
      rootUser: 'cairnadmin',
      rootPassword: 'cairnadmin',
      credentialsAreDefault: true,
      volumes: [1, 2, 3, 4].map((n) => join(dir, `data/drive${n}`)),
      backends: { default: { type: 'erasure', volumes: [1, 2, 3, 4].map((n) => join(dir, `data/drive${n}`)), parity: {} } },
      defaultBackend: 'default',
      bucketRoutes: {},
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      maxXmlBodyBytes: DEFAULTS.maxXmlBodyBytes,
      requestIdleTimeoutMs: 30_000,
      metricsToken: undefined,
      metricsPublic: false,
      multipartExpiryMs: 7 * 24 * 60 * 60 * 1000,
    });
    expect(Object.values(origins).every((o) => o.source === 'default')).toBe(true);
  });
});

/** Per env-settable key: file text, env variable and value, and the expected results. */
const cases: Array<{ key: keyof CairnConfig; file: string; fromFile: unknown; env: Record<string, string>; fromEnv: unknown }> = [
  { key: 'region', file: 'region: eu-west-1', fromFile: 'eu-west-1', env: { CAIRN_REGION: 'ap-south-1' }, fromEnv: 'ap-south-1' },
  { key: 'domains', file: 'domains: [files.example.com]', fromFile: ['files.example.com'], env: { CAIRN_DOMAIN: 's3.example.com,S3.Example.ORG' }, fromEnv: ['s3.example.com', 's3.example.org'] },
  { key: 'rootUser', file: 'rootUser: fileuser\nrootPassword: file-password', fromFile: 'fileuser', env: CREDS, fromEnv: 'admin' },
  { key: 'rootPassword', file: 'rootUser: fileuser\nrootPassword: file-password', fromFile: 'file-password', env: CREDS, fromEnv: 'secret-password' },
  { key: 'logLevel', file: 'logLevel: debug', fromFile: 'debug', env: { CAIRN_LOG_LEVEL: 'WARN' }, fromEnv: 'warn' },
  { key: 'multipartExpiryMs', file: 'multipartExpiryMs: "24h"', fromFile: 86_400_000, env: { CAIRN_MULTIPART_EXPIRY: '7d' }, fromEnv: 604_800_000 },
  { key: 'shutdownTimeoutMs', file: 'shutdownTimeoutMs: 2500', fromFile: 2500, env: { CAIRN_SHUTDOWN_TIMEOUT: '1m30s' }, fromEnv: 90_000 },
  { key: 'address', file: 'address: "127.0.0.2:7000"', fromFile: { host: '127.0.0.2', port: 7000 }, env: { CAIRN_ADDRESS: '[::1]:9100' }, fromEnv: { host: '::1', port: 9100 } },
  { key: 'requestIdleTimeoutMs', file: 'requestIdleTimeoutMs: 5000', fromFile: 5000, env: { CAIRN_REQUEST_IDLE_TIMEOUT: '2m' }, fromEnv: 120_000 },
  { key: 'metricsToken', file: 'metricsToken: file-token-0123456789', fromFile: 'file-token-0123456789', env: { CAIRN_METRICS_TOKEN: 'env-token-0123456789' }, fromEnv: 'env-token-0123456789' },
  { key: 'metricsPublic', file: 'metricsPublic: true', fromFile: true, env: { CAIRN_METRICS_PUBLIC: 'false' }, fromEnv: false },
  { key: 'volumes', file: 'volumes: /file/d{1...1}', fromFile: ['/file/d1'], env: { CAIRN_VOLUMES: '/env/data' }, fromEnv: ['/env/data'] },
];

describe.each(cases)('$key: env > file > default', ({ key, file, fromFile, env, fromEnv }) => {
  it('takes the file over the default', () => {
    const path = writeConfig(dir, file);
    expect(loadConfig({ flags: { config: path }, env: {}, cwd: dir })[key]).toEqual(fromFile);
  });
  it('takes the environment over the file', () => {
    const path = writeConfig(dir, file);
    expect(loadConfig({ flags: { config: path }, env, cwd: dir })[key]).toEqual(fromEnv);
  });
});

describe('flags beat the environment', () => {
  const path = writeConfig(dir, 'address: "127.0.0.2:7000"\nvolumes: [/file/data]');
  const env = { CAIRN_ADDRESS: '127.0.0.3:7001', CAIRN_VOLUMES: '/env/data', CAIRN_CONFIG: path };

  it('--address', () => {
    const { config, origins } = resolveConfig({ flags: { address: 'localhost:7002' }, env, cwd: dir });
    expect(config.address).toEqual({ host: 'localhost', port: 7002 });
    expect(origins.address).toEqual({ source: 'flag', name: '--address' });
  });

  it('positional volumes', () => {
    const { config, origins } = resolveConfig({ flags: { volumes: ['rel/d{1...1}'] }, env, cwd: dir });
    expect(config.volumes).toEqual([join(dir, 'rel/d1')]);
    expect(config.backends.default).toEqual({ type: 'erasure', volumes: [join(dir, 'rel/d1')], parity: {} });
    expect(origins.volumes.source).toBe('flag');
  });

  it('an empty positional list means "not given"', () => {
    expect(loadConfig({ flags: { volumes: [] }, env, cwd: dir }).volumes).toEqual(['/env/data']);
  });

  it('--config beats CAIRN_CONFIG', () => {
    const other = writeConfig(dir, 'region: from-flag-file');
    expect(loadConfig({ flags: { config: other }, env: { CAIRN_CONFIG: path }, cwd: dir }).region).toBe('from-flag-file');
  });
});

describe('file-only settings', () => {
  it('backends, defaultBackend, bucketRoutes and maxXmlBodyBytes come from the file', () => {
    const path = writeConfig(dir, [
      'backends:',
      '  hot: { type: local, root: ./hot }',
      '  cold: { type: local, root: /mnt/cold }',
      'defaultBackend: hot',
      'bucketRoutes:',
      '  old-reports: cold',
      'maxXmlBodyBytes: 2097152',
    ].join('\n'));
    const config = loadConfig({ flags: { config: path }, env: {}, cwd: dir });
    expect(config.backends).toEqual({ hot: { type: 'local', root: join(dir, 'hot') }, cold: { type: 'local', root: '/mnt/cold' } });
    expect(config.defaultBackend).toBe('hot');
    expect(config.bucketRoutes).toEqual({ 'old-reports': 'cold' });
    expect(config.maxXmlBodyBytes).toBe(2 * 1024 * 1024);
  });

  it('records the file and key each value came from', () => {
    const path = writeConfig(dir, 'region: eu-west-3');
    expect(resolveConfig({ flags: { config: path }, env: {}, cwd: dir }).origins.region).toEqual({ source: 'file', name: 'region', file: path });
  });

  it('a single configured backend is the default without naming it', () => {
    const path = writeConfig(dir, 'backends:\n  only: { type: local, root: /srv/only }');
    expect(loadConfig({ flags: { config: path }, env: {}, cwd: dir }).defaultBackend).toBe('only');
  });

  it('CAIRN_CONFIG is resolved against cwd', () => {
    const path = writeConfig(dir, 'region: relative-path');
    const relative = path.slice(dir.length + 1);
    expect(loadConfig({ env: { CAIRN_CONFIG: relative }, cwd: dir }).region).toBe('relative-path');
  });

  it('an empty file sets nothing', () => {
    const path = writeConfig(dir, '# only a comment\n');
    expect(loadConfig({ flags: { config: path }, env: {}, cwd: dir }).region).toBe('us-east-1');
  });
});
