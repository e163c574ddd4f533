import type { Backend } from './backend.js';
import { ErasureBackend } from './erasure/erasure-backend.js';
import type { ParityByStorageClass } from './erasure/parity.js';
import { LocalBackend } from './local/local-backend.js';

/**
 * What it takes to build each backend type. Structurally the config
 * schema's BackendConfig (src/config/schema.ts), declared here so backends
 * do not import from the config layer above them.
 */
export type BackendSpec =
  | { type: 'local'; root: string }
  | { type: 'erasure'; volumes: string[]; setDriveCount?: number; parity: Partial<ParityByStorageClass> };

export interface BackendDefaults {
  /** Region reported for buckets a backend finds but did not create. */
  region?: string;
  /** Where a backend reports failures of its background work (never thrown). */
  onBackgroundError?: (what: string, err: unknown) => void;
}

/**
 * Which backend serves which bucket: named backends, a default, and
 * per-bucket routes. Buckets not routed go to the default backend.
 *
 * ListBuckets asks every backend (`all()`) and keeps a bucket only from the
 * backend `resolve` names for it, so a routed bucket is never listed twice
 * even if a folder of the same name exists on the default backend too.
 */
export class BackendRegistry {
  private readonly backends: ReadonlyMap<string, Backend>;
  private readonly routes: ReadonlyMap<string, string>;

  constructor(backends: ReadonlyMap<string, Backend>, private readonly defaultName: string, routes: Record<string, string> = {}) {
    if (!backends.has(defaultName)) throw new Error(`default backend "${defaultName}" is not configured`);
    for (const [bucket, name] of Object.entries(routes)) {
      if (!backends.has(name)) throw new Error(`bucket "${bucket}" is routed to backend "${name}", which is not configured`);
    }
    this.backends = new Map(backends);
    this.routes = new Map(Object.entries(routes));
  }

  /** The backend serving `bucket` (whether or not the bucket exists yet). */
  resolve(bucket: string): Backend {
    return this.backendFor(this.routes.get(bucket) ?? this.defaultName);
  }

  backendFor(name: string): Backend {
    const backend = this.backends.get(name);
    if (!backend) throw new Error(`backend "${name}" is not configured`);
    return backend;
  }

  /** Every backend once, the default first. */
  all(): Backend[] {
    const defaultBackend = this.backendFor(this.defaultName);
    return [defaultBackend, ...[...this.backends.values()].filter((b) => b !== defaultBackend)];
  }

  /** Closes every backend, reporting the first failure after trying them all. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.backends.values()].map((b) => b.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Builds a backend from its validated config. Opens local files and drives: call at startup. */
export async function createBackend(config: BackendSpec, defaults: BackendDefaults = {}): Promise<Backend> {
  switch (config.type) {
    case 'local':
      return LocalBackend.open({ root: config.root, defaultRegion: defaults.region });
    case 'erasure':
      return ErasureBackend.open({
        volumes: config.volumes,
        setDriveCount: config.setDriveCount,
        parity: config.parity,
        defaultRegion: defaults.region,
        onBackgroundError: defaults.onBackgroundError,
      });
    default:
      throw new Error(`unknown backend type "${(config as { type: unknown }).type}"`);
  }
}
