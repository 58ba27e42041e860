/**
 * The data carried from one step of a multi-step upgrade to the next (`firedrill pre-upgrade --from mariadb-10.5 --to
 * mariadb-11.8`): the dataset's databases dumped from the node upgraded in this step, as it holds them after the
 * upgrade, the switchover, the rollback and the whole workload, into the file the `carryTo` parameter names; the next
 * step loads that file as its dataset.
 */
import { stat } from 'node:fs/promises';
import { observationName } from '../names.js';
import type { Step } from '../types.js';
import { step, withNodes } from './common.js';

const IN_CONTAINER = '/tmp/firedrill-carried.sql';

export const carryDataset = (from: string): Step =>
  withNodes(
    { uses: [from] },
    step(`carry the dataset from ${from} to the next step`, async (ctx) => {
      const file = String(ctx.params['carryTo'] ?? '');
      if (!file) return; // a one-step rehearsal: nothing to carry
      const n = ctx.topo.get(from);
      const databases = ctx.dataset.databases;
      const t0 = Date.now();
      await n.container.exec(n.adapter.logicalDump(databases, IN_CONTAINER), { timeoutMs: 60 * 60_000 });
      await n.container.copyOut(IN_CONTAINER, file);
      await n.container.exec(['rm', '-f', IN_CONTAINER]);
      const bytes = (await stat(file)).size;
      ctx.progress(`  ${from} (${n.adapter.flavor.id}): ${databases.join(', ')} dumped for the next step (${bytes} bytes)`);
      ctx.observations[observationName.carriedDataset] = {
        node: from,
        flavor: n.adapter.flavor.id,
        databases,
        file,
        bytes,
        ms: Date.now() - t0,
      };
    }),
  );
