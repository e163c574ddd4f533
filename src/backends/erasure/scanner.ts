/**
 * The background scanner of one erasure backend: every cycle it refreshes
 * the deployment (so a replaced blank drive is formatted and rejoins), then
 * runs a heal pass over every bucket and object (heal-pass.ts), throttled so
 * requests are not starved. Every `deepEvery`-th cycle is deep: each object
 * is healed, which reads and verifies every shard block (bitrot). One cycle
 * at a time; stop() aborts a cycle promptly and waits for it; nothing is
 * ever thrown out of the loop.
 */
import type { HealCounts, HealReport, ScannerStatus } from '../admin-service.js';
import { runHealPass } from './heal-pass.js';
import type { ErasureSetApi, HealOutcome } from './set-api.js';
import { Throttle } from './throttle.js';

/** What the scanner works on: structurally an ErasureBackend. */
export interface ScanSubject {
  readonly sets: readonly ErasureSetApi[];
  readonly healQueue?: { readonly size: number };
  readonly deployment?: { refresh?(): Promise<unknown> };
}

/** Progress reports (metrics); the scanner does not import obs. */
export interface ScannerObserver {
  object?(state: HealOutcome['state']): void;
  cycle?(report: HealReport, startedMs: number): void;
}

export interface ScannerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ScannerOptions {
  /** Pause between the end of one cycle and the start of the next. */
  intervalMs?: number;
  /** Wait before the first cycle. */
  firstDelayMs?: number;
  /** Every Nth cycle verifies every shard (0: never). */
  deepEvery?: number;
  /** Sleep this many times the time spent on each object (1: healing takes at most half the time). */
  sleepFactor?: number;
  orphanGraceMs?: number;
  log?: ScannerLog;
  observer?: ScannerObserver;
  now?: () => number;
}

export const SCANNER_DEFAULTS = {
  intervalMs: 5 * 60_000,
  firstDelayMs: 10_000,
  deepEvery: 288,
  sleepFactor: 1,
} as const;

export class ErasureScanner {
  private readonly stopping = new AbortController();
  private running: Promise<HealReport | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cycles = 0;
  private last: { startedMs: number; durationMs: number; counts: HealCounts } | undefined;

  constructor(
    private readonly subject: ScanSubject,
    private readonly options: ScannerOptions = {},
  ) {}

  /** Starts the timer (first cycle after firstDelayMs). */
  start(): this {
    this.schedule(this.options.firstDelayMs ?? SCANNER_DEFAULTS.firstDelayMs);
    return this;
  }

  /** One cycle now, or the one under way; undefined when it was stopped. Never rejects. */
  runCycle(): Promise<HealReport | undefined> {
    this.running ??= this.cycle().finally(() => (this.running = undefined));
    return this.running;
  }

  status(): ScannerStatus {
    const status: ScannerStatus = { running: this.running !== undefined, cycles: this.cycles, healQueueLength: this.subject.healQueue?.size ?? 0 };
    if (this.last) {
      status.lastCycleStartedAt = new Date(this.last.startedMs).toISOString();
      status.lastCycleDurationMs = this.last.durationMs;
      status.lastCycle = this.last.counts;
    }
    return status;
  }

  /** Stops the timer and any cycle under way; resolves when it has stopped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async cycle(): Promise<HealReport | undefined> {
    if (this.stopping.signal.aborted) return undefined;
    const now = this.options.now ?? Date.now;
    const startedMs = now();
    const signal = this.stopping.signal;
    const deepEvery = this.options.deepEvery ?? SCANNER_DEFAULTS.deepEvery;
    const deep = deepEvery > 0 && (this.cycles + 1) % deepEvery === 0;
    try {
      await this.subject.deployment?.refresh?.();
      const tally = await runHealPass(this.subject.sets, {
        deep,
        throttle: new Throttle(this.options.sleepFactor ?? SCANNER_DEFAULTS.sleepFactor, signal),
        orphanGraceMs: this.options.orphanGraceMs,
        signal,
        now,
        onObject: (state) => this.options.observer?.object?.(state),
      });
      const report = tally.report(now() - startedMs);
      this.cycles++;
      this.last = { startedMs, durationMs: report.durationMs, counts: { ...tally.counts } };
      this.options.observer?.cycle?.(report, startedMs);
      if (report.healed + report.failed + report.removed + report.orphansRemoved + report.bucketsHealed > 0) {
        this.options.log?.info({ ...tally.counts, deep, ms: report.durationMs }, 'scanner cycle healed or found damage');
      }
      return report;
    } catch (err) {
      if (!signal.aborted) this.options.log?.warn({ err }, 'scanner cycle failed');
      return undefined;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      void this.runCycle().finally(() => this.schedule(this.options.intervalMs ?? SCANNER_DEFAULTS.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
