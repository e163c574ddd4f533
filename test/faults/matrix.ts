/**
 * The fault matrix of issue 4 for one geometry, driven on the erasure
 * backend directly (no HTTP: faster, and the quorum rules live below it):
 * every fault kind, before the write / during it / before the read, on 0 to
 * P+1 drives. See matrix-cases.ts for what each case checks. One test file
 * per geometry, so the two run in parallel.
 * Removing a drive folder cannot be undone, so those cases get a cluster each.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FaultCluster, type ClusterShape } from './helpers/cluster.js';
import { FAULT_KINDS } from './helpers/fault-kinds.js';
import { runCase, TIMINGS } from './matrix-cases.js';

export function describeFaultMatrix(shape: ClusterShape): void {
  describe(`erasure faults, N = ${shape.drives} (${shape.drives - shape.parity}+${shape.parity})`, () => {
    let shared: FaultCluster;
    beforeAll(async () => {
      shared = await FaultCluster.create(shape);
    });
    afterAll(async () => shared?.close());

    for (const kind of FAULT_KINDS) {
      for (const timing of TIMINGS) {
        it(`${kind.name}, ${timing}, on 0 to ${shape.parity + 1} drives`, async () => {
          for (let failed = 0; failed <= shape.parity + 1; failed++) {
            const own = kind.restartAfterDamage && failed > 0 ? await FaultCluster.create(shape) : undefined;
            try {
              await runCase({ cluster: own ?? shared, kind, timing, failed });
            } finally {
              shared.clearFaults();
              await own?.close();
            }
          }
        }, 120_000);
      }
    }
  });
}
