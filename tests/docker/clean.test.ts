import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { FLAVORS } from '../../harness/core/index.js';
import { docker, planImage } from '../../harness/runtime/index.js';
import { selfToken } from '../../harness/runtime/liveness.js';
import { cli, leftovers } from './helpers.js';

const DEAD_PID = '2147483646'; // no such process
const tag = `${process.pid}-${Date.now() % 100000}`;
const dead = `test-dead-${tag}`;
const live = `test-live-${tag}`;
const foreign = `test-foreign-${tag}`;
const leased = `test-leased-${tag}`;
const lapsed = `test-lapsed-${tag}`;
const all = [dead, live, foreign, leased, lapsed];
const me = selfToken();
const labels = (run: string, pid: string, extra: Record<string, string> = {}) => [
  '--label',
  `firedrill.run=${run}`,
  '--label',
  `firedrill.pid=${pid}`,
  '--label',
  `firedrill.host=${hostname()}`,
  ...Object.entries(extra).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
];

afterAll(async () => {
  for (const r of all) {
    for (const c of [`fd-${r}-x`, `fd-${r}-lease`]) await docker(['rm', '-f', '-v', c]).catch(() => undefined); // -v: the image declares a VOLUME
    await docker(['volume', 'rm', '-f', `fd-${r}-v`]).catch(() => undefined);
    await docker(['network', 'rm', `fd-${r}-n`]).catch(() => undefined);
  }
});

async function objects(run: string, l: string[]): Promise<void> {
  const image = (await planImage(FLAVORS['mariadb-10.11'])).ref;
  await docker(['network', 'create', ...l, `fd-${run}-n`]);
  await docker(['volume', 'create', ...l, `fd-${run}-v`]);
  await docker(['create', '--name', `fd-${run}-x`, ...l, image, 'true']); // created, never started
}

describe('firedrill clean', () => {
  it("removes a dead run's objects (a created-but-never-started container too) and leaves live runs alone, also one in another PID namespace", async () => {
    const image = (await planImage(FLAVORS['mariadb-10.11'])).ref;
    // Legacy labels (pid only): dead pid → removed; our own pid → alive.
    await objects(dead, labels(dead, DEAD_PID));
    await objects(
      live,
      labels(live, String(process.pid), { 'firedrill.pidns': me.pidns, 'firedrill.boot': me.boot, 'firedrill.start': me.start }),
    );
    // Same host name, another PID namespace, a pid that does not exist here: may be alive there, so it is left alone.
    await objects(
      foreign,
      labels(foreign, DEAD_PID, { 'firedrill.pidns': 'pid:[4026500001]', 'firedrill.boot': me.boot, 'firedrill.start': '1' }),
    );
    // A lease decides: a running lease container means the owner lives (wherever its pid lives); an exited one, dead.
    await docker(['run', '-d', '--name', `fd-${leased}-lease`, '--entrypoint', 'sleep', ...labels(leased, DEAD_PID), image, '600']);
    await objects(leased, labels(leased, DEAD_PID, { 'firedrill.lease': `fd-${leased}-lease`, 'firedrill.pidns': 'pid:[4026500002]' }));
    await docker(['create', '--name', `fd-${lapsed}-lease`, ...labels(lapsed, DEAD_PID), image, 'true']);
    await objects(
      lapsed,
      labels(lapsed, String(process.pid), {
        'firedrill.lease': `fd-${lapsed}-lease`,
        'firedrill.pidns': me.pidns,
        'firedrill.start': me.start,
      }),
    );

    const r = await cli(['clean']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed run ${dead}`);
    expect(r.stdout).toContain(`removed run ${lapsed}`);
    expect(r.stdout).toMatch(new RegExp(`left alone run ${foreign} .*unknown`));
    expect(r.stdout).toMatch(new RegExp(`left alone run ${leased} .*lease .* running`));
    expect(await leftovers(dead)).toEqual([]);
    expect(await leftovers(lapsed)).toEqual([]);
    expect((await leftovers(live)).sort()).toEqual([`fd-${live}-n`, `fd-${live}-v`, `fd-${live}-x`]);
    expect((await leftovers(foreign)).sort()).toEqual([`fd-${foreign}-n`, `fd-${foreign}-v`, `fd-${foreign}-x`]);
    expect((await leftovers(leased)).sort()).toEqual([`fd-${leased}-lease`, `fd-${leased}-n`, `fd-${leased}-v`, `fd-${leased}-x`]);
  });
});
