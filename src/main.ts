import type { Backend } from './backends/backend.js';
import { BackendRegistry, createBackend } from './backends/registry.js';
import { janitorIntervalFor, startUploadJanitor, type UploadJanitor } from './backends/upload-janitor.js';
import type { CairnConfig } from './config/schema.js';
import type { FrontDoorDeps } from './frontend/context.js';
import { startServer, type RunningServer } from './frontend/server.js';
import { startHealing, type Healing } from './healing.js';
import { RootCredentialStore } from './iam/credentials.js';
import { createLogger, type Logger } from './obs/logger.js';
import { FrontDoorMetrics } from './obs/metrics.js';
import { ScannerMetrics } from './obs/scanner-metrics.js';

export interface Cairn {
  server: RunningServer;
  deps: FrontDoorDeps;
  /** Background scanners and the admin service. */
  healing: Healing;
  /** Graceful shutdown: readiness fails, the server drains, backends close. */
  shutdown(): Promise<void>;
}

/** The composition root: builds every part from the validated config and starts the server. */
export async function startCairn(config: CairnConfig, logger: Logger = createLogger(config.logLevel)): Promise<Cairn> {
  const backends = await openBackends(config, logger);
  const registry = new BackendRegistry(backends, config.defaultBackend, config.bucketRoutes);
  let accepting = true;
  const metrics = new FrontDoorMetrics();
  const healing = startHealing({ backends, backendFor: (bucket) => registry.resolve(bucket), logger, metrics: new ScannerMetrics(metrics.registry) });
  const deps: FrontDoorDeps = {
    registry,
    credentials: new RootCredentialStore(config.rootUser, config.rootPassword),
    settings: {
      region: config.region,
      domains: config.domains,
      maxXmlBodyBytes: config.maxXmlBodyBytes,
      requestIdleTimeoutMs: config.requestIdleTimeoutMs,
      metricsToken: config.metricsToken,
      metricsPublic: config.metricsPublic,
    },
    logger,
    metrics,
    ready: () => accepting,
    admin: healing.admin,
  };
  const server = await startServer(deps, config.address.host, config.address.port);
  const janitor = startJanitor(config, registry, logger);
  return {
    server,
    deps,
    healing,
    async shutdown() {
      accepting = false;
      await janitor?.stop();
      await healing.stop();
      await server.stop(config.shutdownTimeoutMs);
      await registry.close();
    },
  };
}

/** Opens every configured backend; when one fails to open, closes those already open. */
async function openBackends(config: CairnConfig, logger: Logger): Promise<Map<string, Backend>> {
  const backends = new Map<string, Backend>();
  const onBackgroundError = (what: string, err: unknown): void => logger.warn({ err }, `background work failed: ${what}`);
  try {
    for (const [name, backendConfig] of Object.entries(config.backends)) {
      backends.set(name, await createBackend(backendConfig, { region: config.region, onBackgroundError }));
    }
  } catch (err) {
    await Promise.allSettled([...backends.values()].map((backend) => backend.close()));
    throw err;
  }
  return backends;
}

/** Aborts multipart uploads older than multipartExpiryMs in the background; none when it is 0. */
function startJanitor(config: CairnConfig, registry: BackendRegistry, logger: Logger): UploadJanitor | undefined {
  if (config.multipartExpiryMs === 0) return undefined;
  return startUploadJanitor({
    backends: () => registry.all(),
    expiryMs: config.multipartExpiryMs,
    intervalMs: janitorIntervalFor(config.multipartExpiryMs),
    log: logger,
  });
}
