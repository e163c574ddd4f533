/**
 * Healing and admin, composed: a background scanner per erasure backend
 * (progress in metrics, findings in the log) and the AdminService the admin
 * API calls. Built by main.ts from the opened backends.
 */
import type { Backend } from './backends/backend.js';
import { ErasureBackend } from './backends/erasure/erasure-backend.js';
import { ErasureAdmin, type AdminBackendEntry } from './backends/erasure/erasure-admin.js';
import { ErasureScanner, type ScannerObserver, type ScannerOptions } from './backends/erasure/scanner.js';
import type { AdminService } from './backends/admin-service.js';
import type { Logger } from './obs/logger.js';
import type { ScannerMetrics } from './obs/scanner-metrics.js';

export interface Healing {
  admin: AdminService;
  /** Runs a scanner cycle on every erasure backend now (or waits for the one under way). */
  scanNow(): Promise<void>;
  /** Stops every scanner (a cycle under way is aborted). */
  stop(): Promise<void>;
}

export interface HealingOptions {
  backends: ReadonlyMap<string, Backend>;
  /** The backend serving a bucket (BackendRegistry.resolve). */
  backendFor(bucket: string): Backend;
  logger: Logger;
  metrics: ScannerMetrics;
  /** Scanner settings; `false` runs no background scanner (admin heal still works). */
  scanner?: Omit<ScannerOptions, 'log' | 'observer'> | false;
}

function observerFor(name: string, metrics: ScannerMetrics): ScannerObserver {
  return {
    object: (state) => metrics.object(name, state),
    cycle: (report, startedMs) => metrics.cycle(name, report.durationMs, startedMs),
  };
}

export function startHealing(options: HealingOptions): Healing {
  const entries: AdminBackendEntry[] = [];
  const scanners: ErasureScanner[] = [];
  for (const [name, backend] of options.backends) {
    if (!(backend instanceof ErasureBackend)) {
      entries.push({ name, backend });
      continue;
    }
    const observer = observerFor(name, options.metrics);
    const log = options.logger.child({ backend: name, component: 'scanner' });
    const scanner = options.scanner === false ? undefined : new ErasureScanner(backend, { ...options.scanner, log, observer }).start();
    if (scanner) scanners.push(scanner);
    entries.push({ name, backend, erasure: { subject: backend, scanner, observer } });
    options.metrics.watch(name, {
      healQueueLength: () => backend.healQueue.size,
      drives: () => {
        const offline = backend.deployment.offline.length;
        return { online: backend.deployment.sets.flat().length - offline, offline };
      },
    });
  }
  return {
    admin: new ErasureAdmin({ backends: entries, backendFor: options.backendFor }),
    async scanNow() {
      await Promise.all(scanners.map((scanner) => scanner.runCycle()));
    },
    async stop() {
      await Promise.all(scanners.map((scanner) => scanner.stop()));
    },
  };
}
