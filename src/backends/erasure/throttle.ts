/**
 * Paces background work so it never starves requests: after each unit of
 * work it yields to the event loop, and it sleeps `sleepFactor` times as
 * long as the work took (factor 1: at most half of the time spent healing).
 * Short sleeps are owed and taken together, since timers are coarse.
 */
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';

/** Owed sleep below this is carried over rather than taken (timers are ~1 ms coarse). */
const MIN_SLEEP_MS = 5;

export class Throttle {
  private owedMs = 0;

  constructor(
    private readonly sleepFactor: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Runs one unit of work, then yields and pays its share of sleep. Aborts throw. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.signal?.throwIfAborted();
    const started = performance.now();
    const result = await work();
    this.owedMs += (performance.now() - started) * this.sleepFactor;
    if (this.owedMs >= MIN_SLEEP_MS) {
      const ms = this.owedMs;
      this.owedMs = 0;
      await sleep(ms, undefined, { signal: this.signal });
    } else {
      await yieldToLoop(undefined, { signal: this.signal });
    }
    return result;
  }
}
