/**
 * The AdminService over the erasure backends of a deployment: `info`
 * describes each backend's drives (state, usage), sets, parity and scanner;
 * `heal` runs a heal pass now (unthrottled: an operator asked for it) over
 * every erasure backend, or over the one serving the asked bucket.
 */
import { statfs } from 'node:fs/promises';
import { S3Error } from '../../s3/errors.js';
import { HealTally, type AdminBackendInfo, type AdminDriveInfo, type AdminInfo, type AdminService, type DriveUsage, type HealReport, type HealRequest } from '../admin-service.js';
import type { Backend } from '../backend.js';
import type { Drive } from './drive.js';
import type { ListingIndexStatus } from './listing-index.js';
import { runHealPass } from './heal-pass.js';
import type { ErasureScanner, ScanSubject, ScannerObserver } from './scanner.js';
import { Throttle } from './throttle.js';

/** What admin needs of an erasure deployment (deployment.ts), structurally. */
export interface DeploymentView {
  readonly id: string;
  readonly sets: readonly (readonly Drive[])[];
  readonly offline: readonly { root: string; reason: string }[];
  refresh?(): Promise<unknown>;
}

/** What admin needs of an erasure backend (erasure-backend.ts), structurally. */
export interface ErasureSubject extends ScanSubject {
  readonly deployment: DeploymentView;
  readonly parity: Readonly<Record<string, number>>;
  readonly listingIndex?: { status(): ListingIndexStatus } | undefined;
}

export interface AdminBackendEntry {
  name: string;
  backend: Backend;
  /** Present for erasure backends. */
  erasure?: { subject: ErasureSubject; scanner?: ErasureScanner; observer?: ScannerObserver };
}

export interface ErasureAdminOptions {
  backends: AdminBackendEntry[];
  /** The backend serving a bucket (BackendRegistry.resolve). */
  backendFor(bucket: string): Backend;
}

async function usageOf(root: string): Promise<DriveUsage | undefined> {
  try {
    const s = await statfs(root);
    return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize };
  } catch {
    return undefined;
  }
}

async function driveInfo(drive: Drive, setIndex: number, position: number, offline: ReadonlyMap<string, string>): Promise<AdminDriveInfo> {
  const reason = offline.get(drive.root);
  const info: AdminDriveInfo = { root: drive.root, set: setIndex, position, state: reason === undefined ? 'online' : 'offline' };
  if (drive.id) info.id = drive.id;
  if (reason !== undefined) info.reason = reason;
  else {
    const usage = await usageOf(drive.root);
    if (usage) info.usage = usage;
  }
  return info;
}

async function backendInfo(entry: AdminBackendEntry, signal?: AbortSignal): Promise<AdminBackendInfo> {
  const info: AdminBackendInfo = { name: entry.name, type: entry.backend.type };
  if (!entry.erasure) return info;
  const { subject, scanner } = entry.erasure;
  const deployment = subject.deployment;
  const offline = new Map(deployment.offline.map((d) => [d.root, d.reason]));
  info.deploymentId = deployment.id;
  info.setCount = deployment.sets.length;
  info.setDriveCount = deployment.sets[0]?.length ?? 0;
  info.parity = { ...subject.parity };
  info.sets = await Promise.all(
    deployment.sets.map(async (drives, index) => ({
      index,
      drives: await Promise.all(drives.map((drive, position) => driveInfo(drive, index, position, offline))),
    })),
  );
  info.buckets = await entry.backend.listBuckets(signal).then(
    (buckets) => buckets.length,
    () => undefined,
  );
  info.scanner = scanner?.status() ?? { running: false, cycles: 0, healQueueLength: subject.healQueue?.size ?? 0 };
  const listingIndex = subject.listingIndex?.status();
  if (listingIndex) info.listingIndex = listingIndex;
  return info;
}

export class ErasureAdmin implements AdminService {
  constructor(private readonly options: ErasureAdminOptions) {}

  async info(signal?: AbortSignal): Promise<AdminInfo> {
    return { backends: await Promise.all(this.options.backends.map((entry) => backendInfo(entry, signal))) };
  }

  async heal(request: HealRequest, signal?: AbortSignal): Promise<HealReport> {
    const started = performance.now();
    const targets = this.targetsFor(request.bucket);
    const tally = new HealTally();
    for (const entry of targets) {
      const erasure = entry.erasure!;
      await erasure.subject.deployment.refresh?.();
      const pass = await runHealPass(erasure.subject.sets, {
        bucket: request.bucket,
        prefix: request.prefix,
        deep: request.deep,
        throttle: new Throttle(0, signal),
        signal,
        onObject: (state) => erasure.observer?.object?.(state),
      });
      tally.add(pass);
    }
    return tally.report(Math.round(performance.now() - started));
  }

  private targetsFor(bucket: string | undefined): AdminBackendEntry[] {
    const erasure = this.options.backends.filter((entry) => entry.erasure);
    if (bucket === undefined) return erasure;
    const backend = this.options.backendFor(bucket);
    const entry = this.options.backends.find((e) => e.backend === backend);
    if (!entry?.erasure) {
      throw new S3Error('InvalidRequest', { message: `Bucket ${bucket} is served by a ${backend.type} backend, which keeps no redundancy to heal.` });
    }
    return [entry];
  }
}
