/**
 * Builds the CairnConfig: flags > environment > config file > defaults, then
 * the checks that span settings. The only module that reads the environment,
 * and only through the `env` it is given.
 */
import { isAbsolute, resolve } from 'node:path';
import { formatAddress, isLoopbackHost, parseAddress } from './address.js';
import { at, ConfigError, describeOrigin, invalidSetting, type Origin } from './errors.js';
import { CONFIG_FILE_ENV, envLayer, readEnv } from './env.js';
import { fileLayer } from './file.js';
import { checkErasureGeometry } from './erasure.js';
import {
  DEFAULT_ROOT_PASSWORD, DEFAULT_ROOT_USER, DEFAULTS, type BackendConfig, type CairnConfig, type ErasureBackendConfig,
} from './schema.js';
import type { Layer, Settings, Sourced } from './values.js';
import { expandVolumes } from './volumes.js';

/** What `cairn server` takes on its command line (see cli.ts). */
export interface ServerFlags {
  address?: string;
  config?: string;
  /** Positional arguments; empty or absent means "not given". */
  volumes?: string[];
}

export interface LoadOptions {
  flags?: ServerFlags;
  env: NodeJS.ProcessEnv;
  /** Relative paths (config file, volumes, backend roots) resolve against this. */
  cwd: string;
}

/** Where each setting's final value came from, for the startup log. */
export type ConfigOrigins = { [K in keyof Settings]: Origin };

export interface ResolvedConfig {
  config: CairnConfig;
  origins: ConfigOrigins;
}

export function loadConfig(options: LoadOptions): CairnConfig {
  return resolveConfig(options).config;
}

export function resolveConfig({ flags = {}, env, cwd }: LoadOptions): ResolvedConfig {
  const layers = [flagLayer(flags, cwd), envLayer(env, cwd), configFileLayer(flags, env, cwd)];
  const def = (name: string): Origin => ({ source: 'default', name });
  /** The value from the first layer that has one. */
  const given = <K extends keyof Settings>(key: K): Sourced<Settings[K]> | undefined =>
    layers.find((layer) => layer[key] !== undefined)?.[key] as Sourced<Settings[K]> | undefined;
  const pick = <K extends keyof Settings>(key: K, fallback: Settings[K]): Sourced<Settings[K]> =>
    given(key) ?? { value: fallback, origin: def(key) };

  const address = pick('address', { ...DEFAULTS.address });
  const region = pick('region', DEFAULTS.region);
  const domains = pick('domains', [...DEFAULTS.domains]);
  const volumes = given('volumes') ?? { value: expandVolumes(DEFAULTS.volumes, cwd), origin: def('volumes') };
  const logLevel = pick('logLevel', DEFAULTS.logLevel);
  const shutdownTimeoutMs = pick('shutdownTimeoutMs', DEFAULTS.shutdownTimeoutMs);
  const maxXmlBodyBytes = pick('maxXmlBodyBytes', DEFAULTS.maxXmlBodyBytes);
  const requestIdleTimeoutMs = pick('requestIdleTimeoutMs', DEFAULTS.requestIdleTimeoutMs);
  const metricsToken = given('metricsToken');
  const metricsPublic = pick('metricsPublic', DEFAULTS.metricsPublic);
  const multipartExpiryMs = pick('multipartExpiryMs', DEFAULTS.multipartExpiryMs);
  const { rootUser, rootPassword, credentialsAreDefault } = credentials(given('rootUser'), given('rootPassword'));
  const erasureKnobs: ErasureKnobs = {
    setDriveCount: given('erasureSetDriveCount'),
    standard: given('storageClassStandard'),
    rrs: given('storageClassRrs'),
  };
  const { backends, defaultBackend } = backendsOf(given('backends'), given('defaultBackend'), volumes, erasureKnobs);
  const bucketRoutes = pick('bucketRoutes', {});

  for (const [bucket, backend] of Object.entries(bucketRoutes.value)) {
    if (!Object.hasOwn(backends.value, backend)) {
      const origin = { ...bucketRoutes.origin, name: `${bucketRoutes.origin.name}.${bucket}` };
      throw invalidSetting(origin, `backend "${backend}" is not defined; defined: ${Object.keys(backends.value).join(', ')}`);
    }
  }
  if (credentialsAreDefault && !isLoopbackHost(address.value.host)) {
    // The defaults are published, so anyone who can reach the port would own the store.
    throw new ConfigError(
      `refusing to listen on ${formatAddress(address.value)}, as ${describeOrigin(address.origin)} asks, with the default credentials ` +
        `${DEFAULT_ROOT_USER}/${DEFAULT_ROOT_PASSWORD}: set CAIRN_ROOT_USER and CAIRN_ROOT_PASSWORD ` +
        '(or rootUser/rootPassword in the config file), or listen on a loopback address such as 127.0.0.1',
      address.origin,
    );
  }

  const config: CairnConfig = {
    address: address.value,
    region: region.value,
    domains: domains.value,
    rootUser: rootUser.value,
    rootPassword: rootPassword.value,
    credentialsAreDefault,
    volumes: volumes.value,
    backends: backends.value,
    defaultBackend: defaultBackend.value,
    bucketRoutes: bucketRoutes.value,
    logLevel: logLevel.value,
    shutdownTimeoutMs: shutdownTimeoutMs.value,
    maxXmlBodyBytes: maxXmlBodyBytes.value,
    requestIdleTimeoutMs: requestIdleTimeoutMs.value,
    metricsToken: metricsToken?.value,
    metricsPublic: metricsPublic.value,
    multipartExpiryMs: multipartExpiryMs.value,
  };
  const origins: ConfigOrigins = {
    address: address.origin, region: region.origin, domains: domains.origin, rootUser: rootUser.origin,
    rootPassword: rootPassword.origin, volumes: volumes.origin, backends: backends.origin,
    defaultBackend: defaultBackend.origin, bucketRoutes: bucketRoutes.origin, logLevel: logLevel.origin,
    shutdownTimeoutMs: shutdownTimeoutMs.origin, maxXmlBodyBytes: maxXmlBodyBytes.origin,
    requestIdleTimeoutMs: requestIdleTimeoutMs.origin, metricsToken: metricsToken?.origin ?? def('metricsToken'),
    metricsPublic: metricsPublic.origin,
    multipartExpiryMs: multipartExpiryMs.origin,
    erasureSetDriveCount: erasureKnobs.setDriveCount?.origin ?? def('erasureSetDriveCount'),
    storageClassStandard: erasureKnobs.standard?.origin ?? def('storageClassStandard'),
    storageClassRrs: erasureKnobs.rrs?.origin ?? def('storageClassRrs'),
  };
  return { config, origins };
}

function flagLayer(flags: ServerFlags, cwd: string): Layer {
  const layer: Layer = {};
  if (flags.address !== undefined) {
    const origin: Origin = { source: 'flag', name: '--address' };
    layer.address = { value: at(origin, () => parseAddress(flags.address!)), origin };
  }
  if (flags.volumes !== undefined && flags.volumes.length > 0) {
    const origin: Origin = { source: 'flag', name: 'VOLUMES' };
    layer.volumes = { value: at(origin, () => expandVolumes(flags.volumes!, cwd)), origin };
  }
  return layer;
}

function configFileLayer(flags: ServerFlags, env: NodeJS.ProcessEnv, cwd: string): Layer {
  const fromEnv = readEnv(env, [CONFIG_FILE_ENV]);
  const via: Origin | undefined = flags.config !== undefined ? { source: 'flag', name: '--config' } : fromEnv?.origin;
  const path = flags.config ?? fromEnv?.text;
  if (via === undefined || path === undefined) return {};
  if (path.trim() === '') throw invalidSetting(via, 'config file path is empty');
  return fileLayer(isAbsolute(path) ? path : resolve(cwd, path), via, cwd);
}

/**
 * Both credentials or neither: with only one set, the other would silently be
 * the published default. credentialsAreDefault compares values, not sources:
 * spelling out cairnadmin/cairnadmin (as config.example.yaml does) is just as
 * guessable as leaving both unset, so it gets the same loopback-only guard.
 */
function credentials(user: Sourced<string> | undefined, password: Sourced<string> | undefined) {
  if (user && !password) throw invalidSetting(user.origin, 'is set but no root password is: set CAIRN_ROOT_PASSWORD (or rootPassword) too');
  if (password && !user) throw invalidSetting(password.origin, 'is set but no root user is: set CAIRN_ROOT_USER (or rootUser) too');
  const def = (name: string): Origin => ({ source: 'default', name });
  const rootUser = user ?? { value: DEFAULT_ROOT_USER, origin: def('rootUser') };
  const rootPassword = password ?? { value: DEFAULT_ROOT_PASSWORD, origin: def('rootPassword') };
  const credentialsAreDefault = rootUser.value === DEFAULT_ROOT_USER && rootPassword.value === DEFAULT_ROOT_PASSWORD;
  return { rootUser, rootPassword, credentialsAreDefault };
}

/** The erasure settings for the backend derived from the volumes (env or top-level file keys). */
interface ErasureKnobs {
  setDriveCount?: Sourced<number>;
  standard?: Sourced<number>;
  rrs?: Sourced<number>;
}

/**
 * Configured backends as given; otherwise one `default` erasure backend over
 * all the volumes (one volume is one drive: no parity).
 */
function backendsOf(
  configured: Sourced<Record<string, BackendConfig>> | undefined,
  chosen: Sourced<string> | undefined,
  volumes: Sourced<string[]>,
  knobs: ErasureKnobs,
): { backends: Sourced<Record<string, BackendConfig>>; defaultBackend: Sourced<string> } {
  let backends = configured;
  const knobsGiven = [knobs.setDriveCount, knobs.standard, knobs.rrs].filter((k) => k !== undefined);
  if (backends && knobsGiven.length > 0) {
    // Silently ignoring them would leave a parity the operator did not choose.
    throw invalidSetting(knobsGiven[0].origin, 'applies to the backend derived from the volumes; with backends configured, set setDriveCount / storageClassStandard / storageClassRrs in the erasure backend\'s entry');
  }
  if (!backends) {
    const parity: ErasureBackendConfig['parity'] = {};
    if (knobs.standard) parity.STANDARD = knobs.standard.value;
    if (knobs.rrs) parity.REDUCED_REDUNDANCY = knobs.rrs.value;
    const geometryOrigin = knobs.setDriveCount?.origin ?? knobs.standard?.origin ?? knobs.rrs?.origin ?? volumes.origin;
    at(geometryOrigin, () => checkErasureGeometry(volumes.value.length, knobs.setDriveCount?.value, parity));
    const backend: ErasureBackendConfig = { type: 'erasure', volumes: volumes.value, parity };
    if (knobs.setDriveCount) backend.setDriveCount = knobs.setDriveCount.value;
    backends = { value: { [DEFAULTS.defaultBackendName]: backend }, origin: { ...volumes.origin } };
  }
  const names = Object.keys(backends.value);
  let defaultBackend = chosen;
  if (!defaultBackend) {
    if (names.length !== 1) {
      throw invalidSetting({ ...backends.origin, name: 'defaultBackend' }, `required when several backends are configured (${names.join(', ')})`);
    }
    defaultBackend = { value: names[0], origin: { source: 'default', name: 'defaultBackend' } };
  }
  if (!names.includes(defaultBackend.value)) {
    throw invalidSetting(defaultBackend.origin, `backend "${defaultBackend.value}" is not defined; defined: ${names.join(', ')}`);
  }
  return { backends, defaultBackend };
}
