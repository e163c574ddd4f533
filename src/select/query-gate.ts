import { S3Error } from '../s3/errors.js';
import { SELECT_LIMITS } from './select-limits.js';

/** A counting gate: a few queries at a time, a bounded line behind them (BusyResources past it). */
export class QueryGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async enter(): Promise<void> {
    if (this.running < SELECT_LIMITS.concurrentQueries) {
      this.running++;
      return;
    }
    if (this.waiting.length >= SELECT_LIMITS.queuedQueries) throw new S3Error('BusyResources');
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
