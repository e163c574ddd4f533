/**
 * In-process mutual exclusion per object key. Writers hold a key's lock only
 * for the commit (condition check, rename, sidecar row), never while a body
 * streams in, so the row always describes the file it was written with.
 */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(lockKey) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(lockKey, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(lockKey) === tail) this.tails.delete(lockKey);
    }
  }

  /** Resolves once the commits on the key in progress or queued now have finished. */
  async settled(lockKey: string): Promise<void> {
    await this.tails.get(lockKey);
  }

  isHeld(lockKey: string): boolean {
    return this.tails.has(lockKey);
  }
}

export function objectLockKey(bucket: string, key: string): string {
  return `${bucket}\u0000${key}`;
}
