/**
 * One position of one erasure set, as a Drive that stays the same object for
 * the life of the deployment: the engine and its wrappers keep the reference,
 * while what backs it changes when the drive goes online (its meta store and
 * shard files) or is offline (stand-ins that fail every operation). Its id is
 * the identity the layout expects at this position, known even while offline.
 */
import type { Drive, DriveFiles, DriveMetaStore } from './drive.js';
import { DriveOfflineError, OfflineDriveFiles, OfflineMetaStore } from './offline-drive.js';

type Backing = { online: true; meta: DriveMetaStore; files: DriveFiles } | { online: false; reason: string; meta: DriveMetaStore; files: DriveFiles };

export class DriveSlot implements Drive {
  private backing: Backing;

  constructor(
    readonly setIndex: number,
    readonly position: number,
    readonly id: string,
    private volume: string,
    reason: string,
  ) {
    this.backing = offline(volume, reason);
  }

  get root(): string {
    return this.volume;
  }
  get meta(): DriveMetaStore {
    return this.backing.meta;
  }
  get files(): DriveFiles {
    return this.backing.files;
  }
  get online(): boolean {
    return this.backing.online;
  }
  /** Why the drive is offline; undefined when online. */
  get offlineReason(): string | undefined {
    return this.backing.online ? undefined : this.backing.reason;
  }

  goOnline(meta: DriveMetaStore, files: DriveFiles): void {
    this.backing.meta.close();
    this.backing = { online: true, meta, files };
  }

  /** Marks the drive offline (closing its meta store), optionally now served from another volume path. */
  goOffline(reason: string, volume = this.volume): void {
    this.backing.meta.close();
    this.volume = volume;
    this.backing = offline(volume, reason);
  }
}

function offline(volume: string, reason: string): Backing {
  const error = new DriveOfflineError(volume, reason);
  return { online: false, reason, meta: new OfflineMetaStore(error), files: new OfflineDriveFiles(error) };
}
