/**
 * Keeps a version's shard files alive while reads of it are streaming.
 *
 * An overwrite or delete commits its records first and frees the replaced
 * version's data directory afterwards. A GET that resolved the old record a
 * moment earlier is still reading those files block by block, so freeing
 * them at once would cut it off partway. Each read holds a lease on its
 * (bucket, dataId); freeing data waits until the last lease is released.
 * In-process only: after a crash there are no reads left to protect, and the
 * scanner's orphan sweep removes whatever was still waiting.
 */
export class ReadLeases {
  private readonly holders = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** Marks a read of the version as started; call the returned function exactly when it ends. */
  acquire(bucket: string, dataId: string): () => void {
    const id = leaseId(bucket, dataId);
    this.holders.set(id, (this.holders.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holders.get(id) ?? 1) - 1;
      if (left > 0) {
        this.holders.set(id, left);
        return;
      }
      this.holders.delete(id);
      const actions = this.waiting.get(id) ?? [];
      this.waiting.delete(id);
      for (const action of actions) action();
    };
  }

  /** Runs `action` once no read of the version is in progress (now, if none is). */
  whenUnread(bucket: string, dataId: string, action: () => void): void {
    const id = leaseId(bucket, dataId);
    if (!this.holders.has(id)) {
      action();
      return;
    }
    const actions = this.waiting.get(id) ?? [];
    actions.push(action);
    this.waiting.set(id, actions);
  }
}

function leaseId(bucket: string, dataId: string): string {
  return `${bucket}/${dataId}`;
}
