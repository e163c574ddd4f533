import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDeployment, type Deployment } from '../../../src/backends/erasure/deployment.js';
import { readFormat } from '../../../src/backends/erasure/format.js';
import { DriveOfflineError } from '../../../src/backends/erasure/offline-drive.js';
import { tempRoot } from './meta-store-fixtures.js';

let root: { dir: string; cleanup: () => Promise<void> };
const opened: Deployment[] = [];

beforeEach(async () => {
  root = await tempRoot('cairn-deploy-');
});
afterEach(async () => {
  for (const deployment of opened.splice(0)) await deployment.close();
  await root.cleanup();
});

function volumes(count: number, name = 'drive'): string[] {
  return Array.from({ length: count }, (_, i) => path.join(root.dir, `${name}${i + 1}`));
}

async function open(vols: string[], setDriveCount?: number): Promise<Deployment> {
  const deployment = await openDeployment({ volumes: vols, setDriveCount });
  opened.push(deployment);
  return deployment;
}

async function closeAll(): Promise<void> {
  for (const deployment of opened.splice(0)) await deployment.close();
}

/** Drive ids by set and position. */
function idLayout(deployment: Deployment): string[][] {
  return deployment.sets.map((set) => set.map((drive) => drive.id));
}

describe('openDeployment', () => {
  it('formats a fresh deployment, creating missing folders, with sets in volume order', async () => {
    const vols = volumes(8);
    const deployment = await open(vols, 4);
    expect(deployment.sets.map((set) => set.map((drive) => drive.root))).toEqual([vols.slice(0, 4), vols.slice(4)]);
    expect(deployment.offline).toEqual([]);
    expect(deployment.drives).toHaveLength(8);
    deployment.sets.forEach((set, setIndex) => set.forEach((drive, position) => expect([drive.setIndex, drive.position]).toEqual([setIndex, position])));
    for (const drive of deployment.drives) {
      expect(await readFormat(drive.root)).toEqual({ format: 'cairn-erasure', version: 1, deploymentId: deployment.id, driveId: drive.id, sets: idLayout(deployment) });
    }
    expect(new Set(deployment.drives.map((drive) => drive.id)).size).toBe(8);
    await deployment.drives[0].meta.putBucket({ name: 'b', createdMs: 1, region: 'r' });
    expect(deployment.drives[0].meta.getBucket('b')).toEqual({ name: 'b', createdMs: 1, region: 'r' });
    expect(await deployment.drives[1].files.listData('b')).toEqual([]);
  });

  it('defaults to the largest set size up to 16, and one set of one for one drive', async () => {
    expect((await open(volumes(6))).sets.map((set) => set.length)).toEqual([6]);
    expect((await open(volumes(1, 'single'))).sets.map((set) => set.length)).toEqual([1]);
  });

  it('reopens the same deployment, with drives found by id even when remounted in another order', async () => {
    const vols = volumes(4);
    const first = await open(vols);
    const layout = idLayout(first);
    const byRoot = new Map(first.drives.map((drive) => [drive.root, drive.id]));
    await first.drives[2].meta.putBucket({ name: 'kept', createdMs: 1, region: 'r' });
    await closeAll();

    const again = await open([...vols].reverse());
    expect(again.id).toBe(first.id);
    expect(idLayout(again)).toEqual(layout);
    for (const drive of again.drives) expect(drive.id).toBe(byRoot.get(drive.root));
    expect(again.sets[0].map((drive) => drive.root)).toEqual(vols);
    expect(again.sets[0][2].meta.getBucket('kept')).toEqual({ name: 'kept', createdMs: 1, region: 'r' });
  });

  it('formats a blank replacement in the place of the missing drive', async () => {
    const vols = volumes(4);
    const first = await open(vols);
    const replacedId = first.sets[0][1].id;
    await first.drives[1].meta.putBucket({ name: 'b', createdMs: 1, region: 'r' });
    await closeAll();
    await rm(vols[1], { recursive: true });
    await mkdir(vols[1]);

    const again = await open(vols);
    expect(again.offline).toEqual([]);
    expect(again.sets[0][1].id).toBe(replacedId);
    expect(again.sets[0][1].root).toBe(vols[1]);
    expect(await readFormat(vols[1])).toMatchObject({ deploymentId: first.id, driveId: replacedId });
    expect(again.sets[0][1].meta.getBucket('b')).toBeUndefined(); // the healer's job
  });

  it('refuses a drive from another deployment, naming it', async () => {
    const ours = volumes(4, 'ours');
    const theirs = volumes(4, 'theirs');
    await open(ours);
    const other = await open(theirs);
    await closeAll();
    await expect(open([ours[0], ours[1], ours[2], theirs[3]])).rejects.toThrow(
      `refusing to start: ${theirs[3]} (deployment ${other.id}) belongs to another deployment than`,
    );
  });

  it('refuses a volume count or set size that differs from the formatted layout', async () => {
    const vols = volumes(6);
    await open(vols.slice(0, 4));
    await closeAll();
    await expect(open(vols)).rejects.toThrow(/formatted with 4 drives, but 6 volumes are configured/);
    await expect(open(vols.slice(0, 4), 2)).rejects.toThrow(/formatted with sets of 4 drives, but the set drive count is configured as 2/);
    await expect(open([vols[0], vols[0], vols[1], vols[2]])).rejects.toThrow(/listed more than once/);
  });

  it('refuses to create a deployment when a volume cannot be read', async () => {
    const vols = volumes(4);
    await writeFile(vols[3], 'not a folder');
    await expect(open(vols)).rejects.toThrow(`cannot tell whether these volumes already hold a deployment, so no new one is created: ${vols[3]} (not a directory)`);
  });

  it('starts with a missing volume offline, and brings it online formatted on refresh', async () => {
    const vols = volumes(4);
    const first = await open(vols);
    const missingId = first.sets[0][3].id;
    await closeAll();
    await rm(vols[3], { recursive: true });

    const again = await open(vols);
    expect(again.offline).toEqual([{ root: vols[3], reason: 'volume folder does not exist' }]);
    const offline = again.sets[0][3];
    expect(offline.id).toBe(missingId);
    expect(() => offline.meta.getObject('b', 'k')).toThrow(DriveOfflineError);
    await expect(offline.meta.putBucket({ name: 'b', createdMs: 1, region: 'r' })).rejects.toThrow(`drive ${vols[3]} is offline: volume folder does not exist`);
    await expect(offline.files.read('b', 'd', 'f', 0, 1)).rejects.toThrow(DriveOfflineError);
    await expect(stat(vols[3])).rejects.toThrow(/ENOENT/); // not created: the deployment is not new

    expect(await again.refresh()).toEqual({ online: [], offline: [{ root: vols[3], reason: 'volume folder does not exist' }] });
    await mkdir(vols[3]);
    expect(await again.refresh()).toEqual({ online: [vols[3]], offline: [] });
    expect(offline.id).toBe(missingId);
    expect(await readFormat(vols[3])).toMatchObject({ deploymentId: first.id, driveId: missingId });
    await offline.meta.putBucket({ name: 'b', createdMs: 1, region: 'r' });
    expect(offline.meta.listBuckets()).toHaveLength(1);
  });

  it('keeps an unreadable volume offline, and finds drives that come back swapped', async () => {
    const vols = volumes(4);
    const first = await open(vols);
    const [id1, id2] = [first.sets[0][0].id, first.sets[0][1].id];
    await closeAll();
    await rename(vols[0], `${vols[0]}.away`);
    await rename(vols[1], `${vols[1]}.away`);
    await writeFile(path.join(vols[2], '.cairn.sys', 'format.json'), 'garbage');

    const again = await open(vols);
    expect(again.offline.map((drive) => drive.root)).toEqual([vols[0], vols[1], vols[2]]);
    expect(again.offline[2].reason).toMatch(/not valid JSON/);
    const [slot1, slot2] = again.sets[0];

    await rename(`${vols[0]}.away`, vols[1]);
    await rename(`${vols[1]}.away`, vols[0]);
    const outcome = await again.refresh();
    expect(outcome.online.sort()).toEqual([vols[0], vols[1]].sort());
    expect([slot1.id, slot1.root, slot2.id, slot2.root]).toEqual([id1, vols[1], id2, vols[0]]);
    expect(again.offline.map((drive) => drive.root)).toEqual([vols[2]]);
  });
});
