import { BackendRegistry, createBackend } from './backends/registry.js';
import { janitorIntervalFor, startUploadJanitor, type UploadJanitor } from './backends/upload-janitor.js';
import type { CairnConfig } from './config/schema.js';
import type { FrontDoorDeps } from './frontend/context.js';
import { startServer, type RunningServer } from './frontend/server.js';
import { RootCredentialStore } from './iam/credentials.js';
import { createLogger, type Logger } from './obs/logger.js';
import { FrontDoorMetrics } from './obs/metrics.js';

export interface Cairn {
  server: RunningServer;
  deps: FrontDoorDeps;
  /** Graceful shutdown: readiness fails, the server drains, backends close. */
  shutdown(): Promise<void>;
}

/** The composition root: builds every part from the validated config and starts the server. */
export async function startCairn(config: CairnConfig, logger: Logger = createLogger(config.logLevel)): Promise<Cairn> {
  const backends = new Map(Object.entries(config.backends).map(([name, backendConfig]) => [name, createBackend(backendConfig, { region: config.region })]));
  const registry = new BackendRegistry(backends, config.defaultBackend, config.bucketRoutes);
  let accepting = true;
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
    metrics: new FrontDoorMetrics(),
    ready: () => accepting,
  };
  const server = await startServer(deps, config.address.host, config.address.port);
  const janitor = startJanitor(config, registry, logger);
  return {
    server,
    deps,
    async shutdown() {
      accepting = false;
      await janitor?.stop();
      await server.stop(config.shutdownTimeoutMs);
      await registry.close();
    },
  };
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
