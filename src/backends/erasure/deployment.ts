/**
 * Opens the drives of an erasure deployment: reads each volume's format
 * record (format.ts), works out the set layout, formats blank drives, and
 * gives every set position a Drive (drive-slot.ts) that is online (its meta
 * store and shard files) or offline (fails every operation, so quorum counts
 * it as failing).
 *
 * - All volumes blank (or missing): a new deployment; missing folders are
 *   created, ids generated, every drive formatted, sets in volume order.
 * - Otherwise the formats decide: positions follow each drive's id, not the
 *   volume order; a blank volume takes the place of an id no volume holds
 *   (a blank replacement is formatted, the healer fills it); a volume that
 *   cannot be read, or a missing folder, is offline at a free position until
 *   refresh() finds it readable.
 * - Refused with an Error naming the problem: a drive of another deployment,
 *   drives that disagree on the layout, two volumes with the same drive id,
 *   a volume count or set size that does not match the formatted layout.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DiskDriveFiles } from './drive-files.js';
import type { Drive } from './drive.js';
import { DriveSlot } from './drive-slot.js';
import { newLayout, readFormat, writeFormat, type FormatRecord } from './format.js';
import { SqliteDriveMetaStore } from './meta-store.js';
import { chooseSetSize } from './set-size.js';

export interface DeploymentOptions {
  volumes: string[];
  setDriveCount?: number;
}

export interface OfflineDrive {
  root: string;
  reason: string;
}

export interface RefreshOutcome {
  /** Volumes brought online by this refresh (formatted first when blank). */
  online: string[];
  offline: OfflineDrive[];
}

export interface Deployment {
  readonly id: string;
  /** Drives of each set in position order; the Drive objects stay the same across refresh(). */
  readonly sets: Drive[][];
  readonly drives: Drive[];
  /** The drives currently offline, and why. */
  readonly offline: OfflineDrive[];
  /** Retries offline drives: formats blank replacements and brings readable drives online. */
  refresh(): Promise<RefreshOutcome>;
  close(): Promise<void>;
}

type Probe = { kind: 'formatted'; format: FormatRecord } | { kind: 'blank' } | { kind: 'missing' } | { kind: 'unreadable'; reason: string };

async function probe(root: string): Promise<Probe> {
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory()) return { kind: 'unreadable', reason: 'not a directory' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: (err as Error).message };
  }
  try {
    const format = await readFormat(root);
    return format ? { kind: 'formatted', format } : { kind: 'blank' };
  } catch (err) {
    return { kind: 'unreadable', reason: (err as Error).message };
  }
}

function probeReason(found: Probe): string {
  switch (found.kind) {
    case 'missing':
      return 'volume folder does not exist';
    case 'unreadable':
      return found.reason;
    default:
      return 'not checked yet';
  }
}

export async function openDeployment(options: DeploymentOptions): Promise<Deployment> {
  const roots = options.volumes.map((volume) => path.resolve(volume));
  const repeated = roots.find((root, index) => roots.indexOf(root) !== index);
  if (repeated !== undefined) throw new Error(`volume ${repeated} is listed more than once`);
  const setSize = chooseSetSize(roots.length, options.setDriveCount);
  const probes = await Promise.all(roots.map(probe));
  const formatted = probes.some((found) => found.kind === 'formatted');
  const deployment = formatted ? existingDeployment(roots, probes, options.setDriveCount) : await newDeployment(roots, probes, setSize);
  await deployment.bringOnline();
  return deployment;
}

async function newDeployment(roots: string[], probes: Probe[], setSize: number): Promise<DriveDeployment> {
  const unreadable = roots.flatMap((root, i) => (probes[i].kind === 'unreadable' ? [`${root} (${probeReason(probes[i])})`] : []));
  if (unreadable.length > 0) {
    throw new Error(`cannot tell whether these volumes already hold a deployment, so no new one is created: ${unreadable.join(', ')}`);
  }
  // A fresh start: the folders may not exist yet.
  await Promise.all(roots.map((root) => fs.mkdir(root, { recursive: true })));
  const layout = newLayout(roots.length, setSize);
  const slots = layout.sets.map((ids, setIndex) => ids.map((id, position) => new DriveSlot(setIndex, position, id, roots[setIndex * setSize + position], 'not formatted yet')));
  return new DriveDeployment(layout.deploymentId, layout.sets, slots, new Set(slots.flat()));
}

function existingDeployment(roots: string[], probes: Probe[], setDriveCount: number | undefined): DriveDeployment {
  const formats = roots.flatMap((root, i) => {
    const found = probes[i];
    return found.kind === 'formatted' ? [{ root, format: found.format }] : [];
  });
  const byDeployment = new Map<string, string[]>();
  for (const { root, format } of formats) byDeployment.set(format.deploymentId, [...(byDeployment.get(format.deploymentId) ?? []), root]);
  const [deploymentId, members] = [...byDeployment].sort((a, b) => b[1].length - a[1].length)[0];
  const foreign = formats.filter(({ format }) => format.deploymentId !== deploymentId);
  if (foreign.length > 0) {
    const names = foreign.map(({ root, format }) => `${root} (deployment ${format.deploymentId})`).join(', ');
    throw new Error(`refusing to start: ${names} belong${foreign.length === 1 ? 's' : ''} to another deployment than ${members.join(', ')} (deployment ${deploymentId})`);
  }
  const sets = formats[0].format.sets;
  const disagreeing = formats.filter(({ format }) => JSON.stringify(format.sets) !== JSON.stringify(sets));
  if (disagreeing.length > 0) {
    throw new Error(`refusing to start: the format records of ${disagreeing.map((f) => f.root).join(', ')} describe a different set layout than ${formats[0].root}`);
  }
  const driveCount = sets.reduce((sum, set) => sum + set.length, 0);
  if (driveCount !== roots.length) {
    throw new Error(`refusing to start: deployment ${deploymentId} was formatted with ${driveCount} drives, but ${roots.length} volumes are configured`);
  }
  if (sets.some((set) => set.length !== sets[0].length)) throw new Error(`refusing to start: deployment ${deploymentId} has sets of different sizes`);
  if (setDriveCount !== undefined && setDriveCount !== sets[0].length) {
    throw new Error(`refusing to start: deployment ${deploymentId} was formatted with sets of ${sets[0].length} drives, but the set drive count is configured as ${setDriveCount}`);
  }

  const positions = new Map<string, { setIndex: number; position: number }>();
  sets.forEach((ids, setIndex) => ids.forEach((id, position) => positions.set(id, { setIndex, position })));
  const slots: (DriveSlot | undefined)[][] = sets.map((ids) => ids.map(() => undefined));
  for (const { root, format } of formats) {
    const at = positions.get(format.driveId)!;
    const holder = slots[at.setIndex][at.position];
    if (holder) throw new Error(`refusing to start: volumes ${holder.root} and ${root} both claim drive id ${format.driveId}`);
    slots[at.setIndex][at.position] = new DriveSlot(at.setIndex, at.position, format.driveId, root, 'not opened yet');
  }
  // Blank, missing and unreadable volumes take the free positions in volume order: a blank one is
  // formatted there (a replacement); the others stay offline there until refresh() can read them.
  const rest = roots.filter((_, i) => probes[i].kind !== 'formatted');
  const toOpen = new Set<DriveSlot>(slots.flat().filter((slot): slot is DriveSlot => slot !== undefined));
  sets.forEach((ids, setIndex) =>
    ids.forEach((id, position) => {
      if (slots[setIndex][position]) return;
      const root = rest.shift()!;
      const found = probes[roots.indexOf(root)];
      const slot = new DriveSlot(setIndex, position, id, root, probeReason(found));
      if (found.kind === 'blank') toOpen.add(slot);
      slots[setIndex][position] = slot;
    }),
  );
  return new DriveDeployment(deploymentId, sets, slots as DriveSlot[][], toOpen);
}

class DriveDeployment implements Deployment {
  readonly drives: DriveSlot[];
  private refreshing: Promise<RefreshOutcome> | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly layout: string[][],
    readonly sets: DriveSlot[][],
    /** Slots to bring online by bringOnline() (formatted ones opened, blank ones formatted first). */
    private readonly pending: Set<DriveSlot>,
  ) {
    this.drives = sets.flat();
  }

  get offline(): OfflineDrive[] {
    return this.drives.flatMap((drive) => (drive.online ? [] : [{ root: drive.root, reason: drive.offlineReason! }]));
  }

  /** Opens the slots found usable at startup. */
  async bringOnline(): Promise<void> {
    await Promise.all([...this.pending].map((slot) => this.attach(slot)));
    this.pending.clear();
  }

  refresh(): Promise<RefreshOutcome> {
    this.refreshing ??= this.retryOffline().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async close(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    this.closed = true;
    for (const drive of this.drives) drive.goOffline('deployment closed');
  }

  private async retryOffline(): Promise<RefreshOutcome> {
    const online: string[] = [];
    // A volume found holding another offline position's id moves there, and that
    // position's volume moves here and is checked in a later round.
    for (let round = 0; round <= this.drives.length; round++) {
      let moved = false;
      for (const slot of this.drives.filter((drive) => !drive.online)) {
        if (this.closed) break;
        if (slot.online) continue; // brought online earlier in this round by a move
        const found = await probe(slot.root);
        if (found.kind !== 'formatted') {
          if (found.kind === 'blank' && (await this.attach(slot))) online.push(slot.root);
          else if (found.kind !== 'blank') slot.goOffline(probeReason(found));
          continue;
        }
        const { format } = found;
        if (format.deploymentId !== this.id) {
          slot.goOffline(`belongs to another deployment (${format.deploymentId})`);
        } else if (format.driveId === slot.id) {
          if (await this.attach(slot)) online.push(slot.root);
        } else {
          const owner = this.drives.find((drive) => drive.id === format.driveId);
          if (!owner) slot.goOffline(`its drive id ${format.driveId} is not in this deployment's layout`);
          else if (owner.online) slot.goOffline(`its drive id ${format.driveId} is already in use by ${owner.root}`);
          else {
            const ownerVolume = owner.root;
            owner.goOffline('not opened yet', slot.root);
            slot.goOffline('volume moved: not checked yet', ownerVolume);
            if (await this.attach(owner)) online.push(owner.root);
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
    return { online, offline: this.offline };
  }

  /** Formats the slot's volume when blank, then opens its meta store and files; offline (false) on failure. */
  private async attach(slot: DriveSlot): Promise<boolean> {
    try {
      if ((await readFormat(slot.root)) === undefined) {
        await writeFormat(slot.root, { format: 'cairn-erasure', version: 1, deploymentId: this.id, driveId: slot.id, sets: this.layout });
      }
      const files = new DiskDriveFiles(slot.root);
      // Nothing in the temp folder is referenced by a committed record (drive.ts).
      await files.sweepTemp();
      if (this.closed) return false;
      slot.goOnline(new SqliteDriveMetaStore(slot.root), files);
      return true;
    } catch (err) {
      slot.goOffline(`cannot be opened: ${(err as Error).message}`);
      return false;
    }
  }
}
