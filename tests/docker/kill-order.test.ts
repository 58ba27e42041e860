import { afterAll, describe, expect, it } from 'vitest';
import { NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { backupSql, inspect } from '../../harness/sql/index.js';
import { quiet } from './helpers.js';

// The faulted backup's half artifact (issue 10): the backup's statement failed as soon as the fault dropped the
// connection, while the server was still writing into the partial folder; its removal raced the writer (ENOTEMPTY).
// Now a SIGKILLed node's in-flight statements fail only once its container has stopped: no writer is left.
const run = new RunContext();
afterAll(async () => {
  await run.teardown();
});

describe('SIGKILL of a node with a statement in flight', () => {
  it('fails the statement only after the container has stopped (every process in it gone)', async () => {
    const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
    const node: StartedNode = await new NodeDefinition(ctx, { name: 'busy', server: { serverId: 1 } }).start();
    await node.query(inspect.serverVersion()); // the shared connection is open
    let runningWhenFailed: boolean | undefined;
    const inFlight = node.query(backupSql.busyFor(60)).then(
      () => 'answered',
      async (e: Error) => {
        runningWhenFailed = (await node.container.state()).running;
        return e.message;
      },
    );
    const state = await node.kill('KILL');
    expect(state.running).toBe(false);
    expect(await inFlight).toMatch(/connection|lost|closed/i);
    expect(runningWhenFailed).toBe(false);
  });
});
