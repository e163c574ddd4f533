/**
 * Objects found degraded (a missing or corrupt shard or record seen on a
 * read or write) waiting to be healed. Bounded and deduplicated: when full,
 * new entries are dropped, since the background scanner finds them again.
 * For now a small drain loop heals them in the background with low
 * concurrency; the healing worker (admin, scanner) will replace it.
 */
export interface HealTarget {
  setIndex: number;
  bucket: string;
  key: string;
}

export interface HealQueueOptions {
  /** Entries kept at most. */
  capacity?: number;
  /** Heals run at once. */
  concurrency?: number;
  heal(target: HealTarget): Promise<unknown>;
  /** Heal failures are reported here, never thrown. */
  onError(target: HealTarget, err: unknown): void;
}

export class HealQueue {
  private readonly pending = new Map<string, HealTarget>();
  /** Ids being healed now: reported again meanwhile, they are not queued twice. */
  private readonly healing = new Set<string>();
  private running = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly capacity: number;
  private readonly concurrency: number;

  constructor(private readonly options: HealQueueOptions) {
    this.capacity = options.capacity ?? 10_000;
    this.concurrency = options.concurrency ?? 2;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Queues the object unless it is queued already or the queue is full. */
  add(target: HealTarget): void {
    if (this.closed) return;
    const id = `${target.setIndex}\u0000${target.bucket}\u0000${target.key}`;
    if (this.pending.has(id) || this.healing.has(id) || this.pending.size >= this.capacity) return;
    this.pending.set(id, target);
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for the heals in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    await this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.pending.size > 0) {
      const [id, target] = this.pending.entries().next().value as [string, HealTarget];
      this.pending.delete(id);
      this.healing.add(id);
      this.running++;
      // Deferred so a heal never runs inside the read that reported the object.
      setImmediate(() => {
        Promise.resolve()
          .then(() => this.options.heal(target))
          .catch((err: unknown) => this.options.onError(target, err))
          .finally(() => {
            this.healing.delete(id);
            this.running--;
            this.pump();
            if (this.pending.size === 0 && this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
          });
      });
    }
  }
}
