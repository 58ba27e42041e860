import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { FLAVORS } from '../../harness/core/index.js';
import { docker, planImage } from '../../harness/runtime/index.js';
import { cli, leftovers } from './helpers.js';

const DEAD_PID = '2147483646'; // no such process
const dead = `test-dead-${process.pid}`;
const live = `test-live-${process.pid}`;
const labels = (run: string, pid: string) => ['--label', `firedrill.run=${run}`, '--label', `firedrill.pid=${pid}`, '--label', `firedrill.host=${hostname()}`];

afterAll(async () => {
  for (const r of [dead, live]) {
    await docker(['rm', '-f', '-v', `fd-${r}-x`]).catch(() => undefined); // -v: the image declares a VOLUME
    await docker(['volume', 'rm', '-f', `fd-${r}-v`]).catch(() => undefined);
    await docker(['network', 'rm', `fd-${r}-n`]).catch(() => undefined);
  }
});

describe('firedrill clean', () => {
  it("removes a dead run's containers, volumes and networks and leaves a live run's alone", async () => {
    const image = (await planImage(FLAVORS['mariadb-10.11'])).ref;
    for (const [run, pid] of [[dead, DEAD_PID], [live, String(process.pid)]] as const) {
      await docker(['network', 'create', ...labels(run, pid), `fd-${run}-n`]);
      await docker(['volume', 'create', ...labels(run, pid), `fd-${run}-v`]);
      await docker(['create', '--name', `fd-${run}-x`, ...labels(run, pid), image, 'true']);
    }
    const r = await cli(['clean']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed run ${dead}`);
    expect(await leftovers(dead)).toEqual([]);
    expect((await leftovers(live)).sort()).toEqual([`fd-${live}-n`, `fd-${live}-v`, `fd-${live}-x`]);
  });
});
