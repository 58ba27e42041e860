// F39 on real servers: a replica restarted with a MEMORY table writes a generated emptying of it to its own binary log
// (an errant GTID). The check names it as a warning with the rule's advice and passes; a write a person makes on the
// replica (the same TRUNCATE of an InnoDB table) still fails, named by its GTID. Both flavor families' binary logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTopologyContext, RunContext, startTopology, waitCaughtUp, type Topology } from '../../harness/runtime/index.js';
import { noErrantTransactions } from '../../harness/verify/index.js';
import { quiet } from './helpers.js';

describe.each(['mariadb-10.11', 'mysql-9.7'] as const)('errant transactions on a restarted replica (%s)', (flavor) => {
  let run: RunContext;
  let topo: Topology;
  beforeAll(async () => {
    run = new RunContext();
    topo = await startTopology(await openTopologyContext(run, flavor, quiet), {
      kind: 'primary-replicas',
      replicas: [{ name: 'replica-1' }],
    });
    for (const sql of [
      'CREATE DATABASE app',
      'CREATE TABLE app.sessions (id INT PRIMARY KEY, token VARCHAR(20)) ENGINE=MEMORY',
      'CREATE TABLE app.orders (id INT PRIMARY KEY) ENGINE=InnoDB',
      "INSERT INTO app.sessions VALUES (1, 'a'), (2, 'b')",
      'INSERT INTO app.orders VALUES (1), (2)',
    ])
      await topo.primary.query({ sql });
    const replica = topo.get('replica-1');
    await waitCaughtUp(replica, topo.primary);
    await replica.stop();
    await replica.restart();
    // the first use of the MEMORY table after the start writes the generated statement
    await replica.query({ sql: 'SELECT COUNT(*) AS n FROM app.sessions' });
  }, 300_000);
  afterAll(async () => {
    await run?.teardown();
  });

  it("passes with the MEMORY table's generated emptying named as a warning, with its GTID and advice", async () => {
    const c = await noErrantTransactions(topo.get('replica-1'), topo.primary);
    expect(c.valid).toBe(true);
    expect(c.details['explained']).toEqual([
      expect.objectContaining({
        rule: 'memory-table-emptied-on-restart',
        severity: 'warning',
        database: 'app',
        object: 'sessions',
        actual: expect.stringMatching(/^\S+: (TRUNCATE TABLE|DELETE FROM) `app`\.`sessions`/),
      }),
    ]);
  });

  it('fails on a TRUNCATE a person runs on the replica, naming only that GTID', async () => {
    const replica = topo.get('replica-1');
    await replica.query({ sql: 'TRUNCATE TABLE app.orders' });
    const c = await noErrantTransactions(replica, topo.primary);
    expect(c.valid).toBe(false);
    const [d] = c.details['differences'] as Array<{ kind: string; where: string }>;
    expect(d?.kind).toBe('errant-transactions');
    expect(d?.where.split(',')).toHaveLength(1);
    expect(c.details['explained']).toHaveLength(1);
  });
});
