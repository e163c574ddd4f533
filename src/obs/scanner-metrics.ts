import { Counter, Gauge, type Registry } from 'prom-client';

/** What the metrics read live from one erasure backend at scrape time. */
export interface ScannerMetricsSource {
  healQueueLength(): number;
  drives(): { online: number; offline: number };
}

/**
 * Healing and background-scan progress, on the front door's registry (one
 * /metrics): objects scanned and their outcomes, cycle duration and time,
 * and, read at scrape time, heal queue length and drives online/offline.
 */
export class ScannerMetrics {
  private readonly sources = new Map<string, ScannerMetricsSource>();
  readonly objects: Counter<'backend' | 'outcome'>;
  readonly cycles: Counter<'backend'>;
  readonly lastCycleSeconds: Gauge<'backend'>;
  readonly lastCycleTimestamp: Gauge<'backend'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.objects = new Counter({
      name: 'cairn_heal_objects_total',
      help: 'Objects looked at by healing (scanner, admin heal), by outcome: healthy, healed, failed, gone',
      labelNames: ['backend', 'outcome'] as const,
      registers,
    });
    this.cycles = new Counter({ name: 'cairn_scanner_cycles_total', help: 'Completed background scanner cycles', labelNames: ['backend'] as const, registers });
    this.lastCycleSeconds = new Gauge({ name: 'cairn_scanner_last_cycle_seconds', help: 'Duration of the last completed scanner cycle', labelNames: ['backend'] as const, registers });
    this.lastCycleTimestamp = new Gauge({
      name: 'cairn_scanner_last_cycle_timestamp_seconds',
      help: 'When the last completed scanner cycle started (Unix time)',
      labelNames: ['backend'] as const,
      registers,
    });
    const sources = this.sources;
    new Gauge({
      name: 'cairn_heal_queue_length',
      help: 'Objects found degraded on reads, waiting to be healed',
      labelNames: ['backend'] as const,
      registers,
      collect() {
        this.reset();
        for (const [backend, source] of sources) this.set({ backend }, source.healQueueLength());
      },
    });
    new Gauge({
      name: 'cairn_drives',
      help: 'Drives of the erasure deployment by state (online, offline)',
      labelNames: ['backend', 'state'] as const,
      registers,
      collect() {
        this.reset();
        for (const [backend, source] of sources) {
          const { online, offline } = source.drives();
          this.set({ backend, state: 'online' }, online);
          this.set({ backend, state: 'offline' }, offline);
        }
      },
    });
  }

  watch(backend: string, source: ScannerMetricsSource): void {
    this.sources.set(backend, source);
  }

  object(backend: string, outcome: string): void {
    this.objects.inc({ backend, outcome });
  }

  cycle(backend: string, durationMs: number, startedMs: number): void {
    this.cycles.inc({ backend });
    this.lastCycleSeconds.set({ backend }, durationMs / 1000);
    this.lastCycleTimestamp.set({ backend }, startedMs / 1000);
  }
}
