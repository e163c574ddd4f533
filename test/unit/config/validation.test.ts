import { describe, expect, it } from 'vitest';
import { CREDS, configError, scratchDir, writeConfig } from './helpers.js';

const dir = scratchDir();

describe('invalid environment settings name the variable in one line', () => {
  it.each([
    [{ CAIRN_ADDRESS: '127.0.0.1:99999' }, 'invalid setting CAIRN_ADDRESS (env): port 99999 is out of range 1-65535'],
    [{ MINIO_ADDRESS: 'nope' }, 'invalid setting MINIO_ADDRESS (env): "nope" has no port'],
    [{ CAIRN_REGION: 'US_EAST' }, 'invalid setting CAIRN_REGION (env): region "US_EAST" must be lowercase'],
    [{ CAIRN_DOMAIN: 'https://s3.example.com' }, 'invalid setting CAIRN_DOMAIN (env): "https://s3.example.com" is not a domain name'],
    [{ CAIRN_ROOT_USER: 'ab', CAIRN_ROOT_PASSWORD: 'long-enough' }, 'invalid setting CAIRN_ROOT_USER (env): root user must be at least 3 characters (got 2)'],
    [{ CAIRN_ROOT_USER: 'a/b', CAIRN_ROOT_PASSWORD: 'long-enough' }, 'invalid setting CAIRN_ROOT_USER (env): root user must not contain'],
    [{ CAIRN_ROOT_USER: 'admin', CAIRN_ROOT_PASSWORD: 'short' }, 'invalid setting CAIRN_ROOT_PASSWORD (env): root password must be at least 8 characters (got 5)'],
    [{ CAIRN_ROOT_USER: 'admin' }, 'invalid setting CAIRN_ROOT_USER (env): is set but no root password is'],
    [{ MINIO_ROOT_PASSWORD: 'long-enough' }, 'invalid setting MINIO_ROOT_PASSWORD (env): is set but no root user is'],
    [{ CAIRN_VOLUMES: '/d{4...1}' }, 'invalid setting CAIRN_VOLUMES (env): range {4...1} in "/d{4...1}" runs backwards'],
    [{ CAIRN_ERASURE_SET_DRIVE_COUNT: 'four' }, 'invalid setting CAIRN_ERASURE_SET_DRIVE_COUNT (env): "four" is not a whole number'],
    [{ CAIRN_VOLUMES: '/d{1...6}', CAIRN_ERASURE_SET_DRIVE_COUNT: '4' }, 'invalid setting CAIRN_ERASURE_SET_DRIVE_COUNT (env): 6 drives cannot form erasure sets of 4'],
    [{ MINIO_STORAGE_CLASS_STANDARD: 'EC:3' }, 'invalid setting MINIO_STORAGE_CLASS_STANDARD (env): STANDARD parity EC:3 is more than half of the erasure set size 4'],
    [{ CAIRN_STORAGE_CLASS_RRS: 'EC:-1' }, 'invalid setting CAIRN_STORAGE_CLASS_RRS (env): "EC:-1" is not a parity setting'],
    [{ RUSTFS_VOLUMES: '/d{1..4}' }, 'invalid setting RUSTFS_VOLUMES (env): malformed range {1..4}'],
    [{ CAIRN_VOLUMES: ',' }, 'invalid setting CAIRN_VOLUMES (env): no volume given'],
    [{ CAIRN_LOG_LEVEL: 'verbose' }, 'invalid setting CAIRN_LOG_LEVEL (env): log level "verbose" is not one of fatal, error, warn, info, debug, trace, silent'],
    [{ CAIRN_SHUTDOWN_TIMEOUT: '10 seconds' }, 'invalid setting CAIRN_SHUTDOWN_TIMEOUT (env): "10 seconds" is not a duration'],
    [{ CAIRN_SHUTDOWN_TIMEOUT: '2h' }, 'invalid setting CAIRN_SHUTDOWN_TIMEOUT (env): shutdown timeout 7200000 ms'],
    [{ CAIRN_REQUEST_IDLE_TIMEOUT: '10ms' }, 'invalid setting CAIRN_REQUEST_IDLE_TIMEOUT (env): idle timeout 10 ms must be'],
    [{ CAIRN_METRICS_TOKEN: 'short' }, 'invalid setting CAIRN_METRICS_TOKEN (env): metrics token must be at least 16 characters (got 5)'],
    [{ CAIRN_METRICS_TOKEN: 'has a space in it ok' }, 'invalid setting CAIRN_METRICS_TOKEN (env): metrics token must be printable ASCII without spaces'],
    [{ CAIRN_METRICS_PUBLIC: 'sure' }, 'invalid setting CAIRN_METRICS_PUBLIC (env): "sure" is not a boolean'],
    [{ CAIRN_MULTIPART_EXPIRY: '1 week' }, 'invalid setting CAIRN_MULTIPART_EXPIRY (env): "1 week" is not a duration'],
    [{ CAIRN_MULTIPART_EXPIRY: '30s' }, 'invalid setting CAIRN_MULTIPART_EXPIRY (env): multipart expiry 30000 ms must be 0 (never) or'],
    [{ CAIRN_CONFIG: '/nonexistent/cairn.yaml' }, 'invalid setting CAIRN_CONFIG (env): cannot read config file /nonexistent/cairn.yaml: no such file'],
  ])('%o', (env, message) => {
    expect(configError({ env, cwd: dir }).message).toContain(message);
  });

  it('never echoes a password or token', () => {
    expect(configError({ env: { CAIRN_ROOT_USER: 'admin', CAIRN_ROOT_PASSWORD: 'hunter2' }, cwd: dir }).message).not.toContain('hunter2');
    expect(configError({ env: { CAIRN_METRICS_TOKEN: 'zq9 zq9 zq9 zq9 zq9' }, cwd: dir }).message).not.toContain('zq9');
  });
});

describe('invalid flags name the flag', () => {
  it('--address', () => {
    expect(configError({ flags: { address: ':70000' }, env: {}, cwd: dir }).message)
      .toBe('invalid setting --address (command line): port 70000 is out of range 1-65535 (or 0 for any free port)');
  });
  it('positional volumes', () => {
    expect(configError({ flags: { volumes: ['/x{2...1}'] }, env: {}, cwd: dir }).message).toMatch(/^invalid setting VOLUMES \(command line\): range/);
  });
  it('--config', () => {
    expect(configError({ flags: { config: 'missing.yaml' }, env: {}, cwd: dir }).message)
      .toMatch(/^invalid setting --config \(command line\): cannot read config file .*missing\.yaml: no such file$/);
  });
});

describe('invalid file settings name the key and the file', () => {
  it.each([
    ['address: "0.0.0.0:70000"', 'address', 'port 70000 is out of range 1-65535'],
    ['address: 9000', 'address', 'expected a string, got a number (put it in quotes)'],
    ['region: "Not Valid"', 'region', 'must be lowercase letters'],
    ['domains: [ok.example.com, "bad domain"]', 'domains', '"bad domain" is not a domain name'],
    ['domains: 5', 'domains', 'expected a list or a string'],
    ['rootUser: admin\nrootPassword: 12345678', 'rootPassword', 'expected a string, got a number (put it in quotes)'],
    ['rootUser: admin\nrootPassword: "1234"', 'rootPassword', 'at least 8 characters'],
    ['volumes: [/a, 7]', 'volumes[1]', 'expected a string, got a number'],
    ['volumes: []', 'volumes', 'no volume given'],
    ['volumes: [/a, /b, /c]\nerasureSetDriveCount: 2', 'erasureSetDriveCount', '3 drives cannot form erasure sets of 2'],
    ['volumes: /d{1...4}\nstorageClassStandard: EC:3', 'storageClassStandard', 'STANDARD parity EC:3 is more than half of the erasure set size 4 (at most EC:2)'],
    ['storageClassRrs: "RAID5"', 'storageClassRrs', '"RAID5" is not a parity setting'],
    ['erasureSetDriveCount: 17', 'erasureSetDriveCount', 'from 1 to 16'],
    ['erasureSetDriveCount: 2\nbackends:\n  a: { type: local, root: /x }', 'erasureSetDriveCount', 'applies to the backend derived from the volumes'],
    ['backends:\n  a: { type: erasure }', 'backends.a.volumes', 'missing'],
    ['backends:\n  a: { type: erasure, volumes: "/d{1...6}", setDriveCount: 4 }', 'backends.a.volumes', '6 drives cannot form erasure sets of 4'],
    ['backends:\n  a: { type: erasure, volumes: "/d{1...6}", storageClassStandard: EC:4 }', 'backends.a.volumes', 'STANDARD parity EC:4 is more than half'],
    ['backends:\n  a: { type: erasure, volumes: "/d{1...2}", parity: 1 }', 'backends.a.parity', 'unknown key'],
    ['logLevel: loud', 'logLevel', 'is not one of'],
    ['shutdownTimeoutMs: "10s"', 'shutdownTimeoutMs', 'expected a whole number, got a string "10s"'],
    ['shutdownTimeoutMs: -1', 'shutdownTimeoutMs', 'from 0 to 3600000'],
    ['maxXmlBodyBytes: 100', 'maxXmlBodyBytes', 'from 65536'],
    ['maxXmlBodyBytes: 1.5', 'maxXmlBodyBytes', 'expected a whole number'],
    ['region:', 'region', 'has no value'],
    ['requestIdleTimeoutMs: 0', 'requestIdleTimeoutMs', 'from 1000 to 3600000'],
    ['metricsToken: 12345678901234567890', 'metricsToken', 'expected a string, got a number (put it in quotes)'],
    ['metricsPublic: "yes"', 'metricsPublic', 'expected true or false, got a string "yes"'],
    ['backends: {}', 'backends', 'is empty'],
    ['backends: [a]', 'backends', 'expected a mapping'],
    ['backends:\n  a: { type: nfs }', 'backends.a.type', 'unknown backend type "nfs": expected one of local, erasure'],
    ['backends:\n  a: { root: /x }', 'backends.a.type', 'missing'],
    ['backends:\n  a: { type: local }', 'backends.a.root', 'missing'],
    ['backends:\n  a: { type: local, root: /x, rot: /y }', 'backends.a.rot', 'unknown key; did you mean root?'],
    ['backends:\n  "bad name": { type: local, root: /x }', 'backends.bad name', 'backend name "bad name"'],
    ['backends:\n  a: { type: local, root: /a }\n  b: { type: local, root: /b }', 'defaultBackend', 'required when several backends are configured (a, b)'],
    ['defaultBackend: nowhere', 'defaultBackend', 'backend "nowhere" is not defined; defined: default'],
    ['bucketRoutes:\n  photos: nowhere', 'bucketRoutes.photos', 'backend "nowhere" is not defined'],
    ['bucketRoutes:\n  photos: constructor', 'bucketRoutes.photos', 'backend "constructor" is not defined'],
    ['bucketRoutes:\n  Bad_Bucket: default', 'bucketRoutes.Bad_Bucket', 'not a valid bucket name'],
    ['bucketRoutes: [a]', 'bucketRoutes', 'expected a mapping'],
  ])('%s', (yaml, key, problem) => {
    const path = writeConfig(dir, yaml);
    const message = configError({ flags: { config: path }, env: {}, cwd: dir }).message;
    expect(message.startsWith(`invalid setting ${key} (config file ${path}): `), message).toBe(true);
    expect(message).toContain(problem);
  });
});

describe('the config file itself', () => {
  it('refuses unknown keys, suggesting the near one', () => {
    const path = writeConfig(dir, 'adress: "127.0.0.1:9000"');
    expect(configError({ flags: { config: path }, env: {}, cwd: dir }).message)
      .toBe(`invalid setting adress (config file ${path}): unknown key; did you mean address?`);
  });

  it('refuses unknown keys without a near one by listing the known ones', () => {
    const path = writeConfig(dir, 'colour: blue');
    expect(configError({ flags: { config: path }, env: {}, cwd: dir }).message).toContain('known keys are address, region');
  });

  it('refuses snake_case spellings', () => {
    const path = writeConfig(dir, 'root_user: admin');
    expect(configError({ flags: { config: path }, env: {}, cwd: dir }).message).toContain('unknown key; did you mean rootUser?');
  });

  it('reports YAML syntax errors on one line without quoting the file', () => {
    const path = writeConfig(dir, 'rootUser: admin\nrootPassword: "topsecret\n');
    const message = configError({ flags: { config: path }, env: {}, cwd: dir }).message;
    expect(message).toMatch(new RegExp(`^invalid config file ${path}: .*line \\d+`));
    expect(message).not.toContain('topsecret');
  });

  it('refuses duplicate keys', () => {
    const path = writeConfig(dir, 'region: a\nregion: b');
    expect(configError({ flags: { config: path }, env: {}, cwd: dir }).message).toContain('Map keys must be unique');
  });

  it('refuses a file that is not a mapping', () => {
    const path = writeConfig(dir, '- a\n- b');
    expect(configError({ flags: { config: path }, env: {}, cwd: dir }).message).toContain('must hold a mapping');
  });

  it('an invalid value in a lower-precedence source still fails, even when overridden', () => {
    // Each source is validated on its own, so a broken file is never hidden by an env var.
    const path = writeConfig(dir, 'region: BAD');
    expect(configError({ flags: { config: path }, env: { ...CREDS, CAIRN_REGION: 'ok' }, cwd: dir }).message).toContain('region (config file');
  });
});
