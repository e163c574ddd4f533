/**
 * The one typed configuration cairn runs with. load.ts builds it from flags,
 * environment, config file and defaults, validates it, and main.ts passes it
 * down; nothing else reads process.env.
 */
import { bucketNameProblem } from '../s3/names.js';
import { ConfigError } from './errors.js';
import type { ParityByStorageClass } from './erasure.js';

export { ConfigError } from './errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One member per backend type. To add a type: add its member here and its
 * parser to BACKEND_PARSERS in backends.ts (the mapped type there makes the
 * compiler insist on it).
 */
export type BackendConfig = LocalBackendConfig | ErasureBackendConfig;
export type BackendType = BackendConfig['type'];

/** An existing directory tree served as S3: a bucket is a folder, an object a file. */
export interface LocalBackendConfig {
  type: 'local';
  /** Absolute path (relative input is resolved against the working directory). */
  root: string;
}

/** Objects Reed-Solomon coded across drives (volumes), grouped in erasure sets. */
export interface ErasureBackendConfig {
  type: 'erasure';
  /** Absolute paths, one drive each, after ellipsis expansion. */
  volumes: string[];
  /** Drives per erasure set; absent: the largest divisor of the drive count up to 16. */
  setDriveCount?: number;
  /** Parity drives per storage class; absent: the default for the set size. */
  parity: ParityByStorageClass;
}

export interface CairnConfig {
  address: { host: string; port: number };
  region: string;
  /** Virtual-host-style domains: `bucket.<domain>` addresses a bucket. Lowercase. */
  domains: string[];
  rootUser: string;
  rootPassword: string;
  /**
   * True when the root credentials are the published defaults: neither was
   * configured, or both were set to exactly cairnadmin/cairnadmin.
   */
  credentialsAreDefault: boolean;
  /** Absolute paths, after ellipsis expansion. */
  volumes: string[];
  backends: Record<string, BackendConfig>;
  defaultBackend: string;
  /** Bucket name → backend name; buckets not listed use defaultBackend. */
  bucketRoutes: Record<string, string>;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** Largest XML request body accepted (DeleteObjects, CompleteMultipartUpload, configs). */
  maxXmlBodyBytes: number;
  /** A request body that sends nothing for this long fails with RequestTimeout. */
  requestIdleTimeoutMs: number;
  /** Bearer token that unlocks /metrics; a secret. */
  metricsToken?: string;
  /** Serve /metrics without any token. */
  metricsPublic: boolean;
  /** Multipart uploads left incomplete longer than this are aborted in the background; 0 keeps them forever. */
  multipartExpiryMs: number;
}

export const DEFAULT_ROOT_USER = 'cairnadmin';
export const DEFAULT_ROOT_PASSWORD = 'cairnadmin';

export const DEFAULTS = {
  address: { host: '127.0.0.1', port: 9000 },
  region: 'us-east-1',
  domains: [] as string[],
  /** Four drive folders: one erasure set of 2 data + 2 parity. */
  volumes: ['./data/drive{1...4}'],
  defaultBackendName: 'default',
  logLevel: 'info' as LogLevel,
  shutdownTimeoutMs: 10_000,
  /**
   * 4 MiB. AWS documents no byte limit for XML bodies, only counts: DeleteObjects
   * takes up to 1000 keys of up to 1024 bytes each (~1.1 MB plain, more once
   * XML-escaped and with version ids), and CompleteMultipartUpload up to 10,000
   * parts, which with ETags and SHA-256 checksums runs past 2 MiB. 4 MiB admits
   * both at their maximum while keeping a per-request buffer bounded.
   */
  maxXmlBodyBytes: 4 * 1024 * 1024,
  /** Long enough for a slow client on a congested link, short enough to free a socket a stalled client holds. */
  requestIdleTimeoutMs: 30_000,
  metricsPublic: false,
  /** 7 days, what S3 users commonly set with an AbortIncompleteMultipartUpload lifecycle rule. */
  multipartExpiryMs: 7 * 24 * 60 * 60 * 1000,
} as const;

// Bounds that catch typos (a missing unit, an extra zero) rather than policy.
const MAX_TIMEOUT_MS = 60 * 60 * 1000;
const MIN_IDLE_TIMEOUT_MS = 1000;
const MIN_METRICS_TOKEN_LENGTH = 16;
const MIN_XML_BODY_BYTES = 64 * 1024;
const MAX_XML_BODY_BYTES = 256 * 1024 * 1024;

// Each check throws an origin-less ConfigError with the problem; the loader
// wraps the call with errors.at(origin, …) so the message names the setting.

export function checkRegion(value: string): string {
  if (!/^[a-z0-9-]+$/.test(value)) throw new ConfigError(`region "${value}" must be lowercase letters, digits and hyphens (like us-east-1)`);
  return value;
}

export function checkDomain(value: string): string {
  const domain = value.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain) || domain.length > 253) {
    throw new ConfigError(`"${value}" is not a domain name (expected something like s3.example.com, without scheme or port)`);
  }
  return domain;
}

export function checkRootUser(value: string): string {
  if (value.length < 3) throw new ConfigError(`root user must be at least 3 characters (got ${value.length})`);
  // The access key is embedded in SigV4 `Credential=AKID/date/region/...,` and
  // SigV2 `AWS AKID:sig`, so these characters would make it unparseable.
  if (/[\s/,=:\u0000-\u001f]/.test(value)) {
    throw new ConfigError('root user must not contain whitespace, control characters, "/", ",", "=" or ":"');
  }
  return value;
}

export function checkRootPassword(value: string): string {
  // Same minimum as MinIO; the value itself never appears in a message.
  if (value.length < 8) throw new ConfigError(`root password must be at least 8 characters (got ${value.length})`);
  return value;
}

export function checkLogLevel(value: string): LogLevel {
  const level = value.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`log level "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

export function checkShutdownTimeoutMs(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new ConfigError(`shutdown timeout ${value} ms must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

export function checkRequestIdleTimeoutMs(value: number): number {
  if (!Number.isInteger(value) || value < MIN_IDLE_TIMEOUT_MS || value > MAX_TIMEOUT_MS) {
    throw new ConfigError(`idle timeout ${value} ms must be a whole number of milliseconds from ${MIN_IDLE_TIMEOUT_MS} to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

export function checkMetricsToken(value: string): string {
  // Sent as `Authorization: Bearer <token>`, so it must be a header-safe word;
  // the length asks for a generated token (openssl rand -hex 16), not a word.
  if (value.length < MIN_METRICS_TOKEN_LENGTH) {
    throw new ConfigError(`metrics token must be at least ${MIN_METRICS_TOKEN_LENGTH} characters (got ${value.length})`);
  }
  if (!/^[\x21-\x7e]+$/.test(value)) throw new ConfigError('metrics token must be printable ASCII without spaces');
  return value;
}

export function checkMaxXmlBodyBytes(value: number): number {
  if (!Number.isInteger(value) || value < MIN_XML_BODY_BYTES || value > MAX_XML_BODY_BYTES) {
    throw new ConfigError(`${value} bytes must be a whole number from ${MIN_XML_BODY_BYTES} (64 KiB) to ${MAX_XML_BODY_BYTES} (256 MiB)`);
  }
  return value;
}

const MIN_MULTIPART_EXPIRY_MS = 60_000;
const MAX_MULTIPART_EXPIRY_MS = 3650 * 24 * 60 * 60 * 1000;

export function checkMultipartExpiryMs(value: number): number {
  if (value === 0) return value;
  if (!Number.isInteger(value) || value < MIN_MULTIPART_EXPIRY_MS || value > MAX_MULTIPART_EXPIRY_MS) {
    throw new ConfigError(`multipart expiry ${value} ms must be 0 (never) or a whole number of milliseconds from ${MIN_MULTIPART_EXPIRY_MS} (1m) to ${MAX_MULTIPART_EXPIRY_MS} (3650d)`);
  }
  return value;
}

export function checkBackendName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(value)) {
    throw new ConfigError(`backend name "${value}" must be 1-63 letters, digits, "_" or "-", starting with a letter or digit`);
  }
  return value;
}

export function checkBucketName(value: string): string {
  const problem = bucketNameProblem(value);
  if (problem) throw new ConfigError(`"${value}" is not a valid bucket name: ${problem}`);
  return value;
}
