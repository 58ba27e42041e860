import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlGtidSet as mysqlGtid } from '../../harness/core/index.js';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { gtidSetFunctions } from '../../harness/sql/index.js';
import { quiet } from './helpers.js';

const U = ['3e11fa47-71ca-11e1-9e33-c80aa9429562', 'a9ae3d35-0f5e-11ee-8c3b-0242ac110002'];
// Tagged sources (MySQL 8.3+: uuid:tag:n) are compared by the server too.
const setArb = fc
  .array(fc.record({ u: fc.constantFrom(...U, `${U[1]}:blue`, `${U[0]}:red_2`), a: fc.integer({ min: 1, max: 40 }), len: fc.nat(6) }), {
    maxLength: 6,
  })
  .map((xs) => xs.map((x) => `${x.u}:${x.a}-${x.a + x.len}`).join(','));

let run: RunContext;
let node: StartedNode;
beforeAll(async () => {
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mysql-9.7', quiet);
  node = await new NodeDefinition(ctx, { name: 'gtid', server: { serverId: 1 } }).start();
});
afterAll(async () => {
  await run?.teardown();
});

describe("firedrill's MySQL GTID sets agree with MySQL 9.7's GTID_SUBTRACT and GTID_SUBSET", () => {
  it('on random sets', async () => {
    await fc.assert(
      fc.asyncProperty(setArb, setArb, async (a, b) => {
        const [row] = await node.query<{ subtract: string; subset: number | string }>(gtidSetFunctions(a, b));
        const ours = mysqlGtid.subtract(mysqlGtid.parseMysqlSet(a), mysqlGtid.parseMysqlSet(b));
        expect(mysqlGtid.setsEqual(ours, mysqlGtid.parseMysqlSet(String(row!.subtract)))).toBe(true);
        expect(mysqlGtid.isSubset(mysqlGtid.parseMysqlSet(a), mysqlGtid.parseMysqlSet(b))).toBe(Number(row!.subset) === 1);
      }),
      { numRuns: 150 },
    );
  });
});
