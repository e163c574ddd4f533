/**
 * What the admin API (src/frontend/admin-routes.ts) asks of storage: a
 * description of the deployment and an on-demand heal pass. The front door
 * sees only these shapes, never drives or files; src/main.ts wires an
 * implementation over the erasure backends of the registry.
 */

/** Bytes of the file system a drive lives on (fs.statfs). */
export interface DriveUsage {
  totalBytes: number;
  freeBytes: number;
  usedBytes: number;
}

export interface AdminDriveInfo {
  root: string;
  /** The drive's identity from its format record; absent when the drive could not be read. */
  id?: string;
  set: number;
  position: number;
  state: 'online' | 'offline';
  /** Why a drive is offline. */
  reason?: string;
  usage?: DriveUsage;
}

export interface AdminSetInfo {
  index: number;
  drives: AdminDriveInfo[];
}

/** Progress of one backend's background scanner. */
export interface ScannerStatus {
  /** A cycle is under way now. */
  running: boolean;
  /** Completed cycles since start. */
  cycles: number;
  lastCycleStartedAt?: string;
  lastCycleDurationMs?: number;
  /** Counts of the last completed cycle. */
  lastCycle?: HealCounts;
  /** Objects waiting in the heal-on-read queue. */
  healQueueLength: number;
}

export interface AdminBackendInfo {
  /** The backend's name in the configuration. */
  name: string;
  type: string;
  deploymentId?: string;
  setCount?: number;
  setDriveCount?: number;
  /** Parity shards per storage class. */
  parity?: Record<string, number>;
  sets?: AdminSetInfo[];
  buckets?: number;
  scanner?: ScannerStatus;
  /** The node's listing index (erasure backends): ready, rebuilding (with keys so far), unusable, closed. */
  listingIndex?: { state: string; file?: string; rebuiltKeys?: number; lastRebuildMs?: number };
}

export interface AdminInfo {
  backends: AdminBackendInfo[];
}

export interface HealRequest {
  /** Only this bucket (every bucket when absent). */
  bucket?: string;
  /** Only keys with this prefix (needs a bucket). */
  prefix?: string;
  /** Verify every shard of every object (reads all data); otherwise only objects whose drives disagree are healed. */
  deep: boolean;
}

export interface HealCounts {
  /** Objects looked at. */
  scanned: number;
  /** Objects found in full redundancy. */
  healthy: number;
  /** Objects (or bucket records) rewritten onto drives that lacked them or held bad copies. */
  healed: number;
  /** Objects that could not be healed (each in `failures`, up to a bound). */
  failed: number;
  /** Leftovers of deleted objects removed. */
  removed: number;
  /** Bucket records and configurations copied to drives that lacked them. */
  bucketsHealed: number;
  /** Unreferenced data directories removed. */
  orphansRemoved: number;
}

export interface HealFailure {
  bucket: string;
  key: string;
  reason: string;
}

export interface HealReport extends HealCounts {
  /** The first failures, at most MAX_REPORTED_FAILURES. */
  failures: HealFailure[];
  /** More failures happened than `failures` lists. */
  failuresTruncated: boolean;
  durationMs: number;
}

export const MAX_REPORTED_FAILURES = 100;

export interface AdminService {
  info(signal?: AbortSignal): Promise<AdminInfo>;
  /** Runs a heal pass now and reports it. Throws NoSuchBucket for a bucket no backend has. */
  heal(request: HealRequest, signal?: AbortSignal): Promise<HealReport>;
}

export function emptyHealCounts(): HealCounts {
  return { scanned: 0, healthy: 0, healed: 0, failed: 0, removed: 0, bucketsHealed: 0, orphansRemoved: 0 };
}

/** Collects a heal pass's counts and a bounded list of failures. */
export class HealTally {
  readonly counts = emptyHealCounts();
  readonly failures: HealFailure[] = [];
  private truncated = false;

  fail(failure: HealFailure): void {
    this.counts.failed++;
    if (this.failures.length < MAX_REPORTED_FAILURES) this.failures.push(failure);
    else this.truncated = true;
  }

  add(other: HealTally): void {
    for (const name of Object.keys(this.counts) as (keyof HealCounts)[]) {
      if (name !== 'failed') this.counts[name] += other.counts[name];
    }
    for (const failure of other.failures) this.fail(failure);
    this.counts.failed += other.counts.failed - other.failures.length;
    if (other.truncated) this.truncated = true;
  }

  report(durationMs: number): HealReport {
    return { ...this.counts, failures: [...this.failures], failuresTruncated: this.truncated, durationMs };
  }
}
