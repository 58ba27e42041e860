// Every command's connection, against one real server without TLS (MariaDB 10.11) holding a 1,000,000-row table:
// ssl-mode=REQUIRED is refused by verify, snapshot and a live --dataset (exit 2, one line, nothing started), and a
// server frozen (SIGSTOP) while verify's or snapshot's query on the big table is in flight ends the command with
// exit 2 within --timeout plus a few seconds, naming the statement and the server.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/exec/index.js';
import { docker, NodeDefinition, openTopologyContext, RunContext, type StartedNode } from '../../harness/runtime/index.js';
import { cli, leftovers, quiet } from './helpers.js';

let run: RunContext;
let node: StartedNode;
let env: Record<string, string>;
let dir: string;
let paused = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fd-conn-'));
  run = new RunContext();
  const ctx = await openTopologyContext(run, 'mariadb-10.11', quiet);
  node = await new NodeDefinition(ctx, { name: 'plain', server: { serverId: 1 } }).start();
  env = { FD_TEST_PW: ctx.creds.adminPassword };
  // 1,000,000 rows made by the server itself (the Sequence engine): a table whose reads take a while.
  await node.query({ sql: 'CREATE DATABASE big' });
  await node.query({ sql: 'CREATE TABLE big.t (id INT PRIMARY KEY, pad VARCHAR(64) NOT NULL) ENGINE=InnoDB' });
  await node.query({ sql: "INSERT INTO big.t SELECT seq, CONCAT('row-', seq, '-', REPEAT('x', 40)) FROM big.seq_1_to_1000000" });
}, 300_000);
afterAll(async () => {
  if (paused) await thaw();
  await run?.teardown();
  if (run) expect(await leftovers(run.runId)).toEqual([]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const dsn = (tail = '') => `mysql://firedrill:\${FD_TEST_PW}@${node.address}:3306${tail}`;
const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('ssl-mode=REQUIRED against a server that offers no TLS', () => {
  it('is refused by verify, snapshot and a live --dataset: exit 2, one line each, nothing written or started', async () => {
    const required = dsn('?ssl-mode=REQUIRED');
    const v = await cli(['verify', '--source', required, '--target', dsn()], { env });
    expect(v.code).toBe(2);
    expect(oneLine(v.stderr)).toEqual([expect.stringMatching(/cannot connect to firedrill@.* \(ssl-mode REQUIRED\): .*secure connection/)]);
    const out = join(dir, 'state.json');
    const s = await cli(['snapshot', '--source', required, '--out', out], { env });
    expect(s.code).toBe(2);
    expect(oneLine(s.stderr)).toEqual([expect.stringMatching(/cannot connect to .*\(ssl-mode REQUIRED\)/)]);
    expect(existsSync(out)).toBe(false);
    const r = await cli(['run', 'replica-kill-restore', '--dataset', dsn('/big?ssl-mode=REQUIRED')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dataset: cannot connect to .*\(ssl-mode REQUIRED\)/);
    expect(r.stderr).not.toContain(env['FD_TEST_PW']!);
  }, 180_000);
});

describe('a server whose sql_mode pads CHAR values (PAD_CHAR_TO_FULL_LENGTH, a drawn option of the corpus, F36)', () => {
  it('verify of the server against itself is equal (exit 0): accounts and CHAR values are read as stored', async () => {
    await node.query({ sql: "CREATE USER 'padme'@'%' IDENTIFIED BY 'x-Pad-1'" });
    await node.query({ sql: 'CREATE DATABASE padded' });
    await node.query({ sql: 'CREATE TABLE padded.t (id INT PRIMARY KEY, c CHAR(12) NOT NULL) ENGINE=InnoDB' });
    await node.query({ sql: "INSERT INTO padded.t VALUES (1, 'a'), (2, 'bb')" });
    await node.query({ sql: "SET GLOBAL sql_mode = CONCAT(@@GLOBAL.sql_mode, ',PAD_CHAR_TO_FULL_LENGTH')" });
    try {
      const v = await cli(['verify', '--source', dsn(), '--target', dsn(), '--databases', 'padded', '--json'], { env });
      expect(v.code, v.stdout.slice(-2000) + v.stderr).toBe(0);
      const checks = (JSON.parse(v.stdout) as { checks: Array<{ name: string; valid: boolean }> }).checks;
      expect(checks.filter((c) => !c.valid)).toEqual([]);
      expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['accounts']));
    } finally {
      await node.query({ sql: "SET GLOBAL sql_mode = REPLACE(@@GLOBAL.sql_mode, ',PAD_CHAR_TO_FULL_LENGTH', '')" });
      await node.query({ sql: "DROP USER 'padme'@'%'" });
      await node.query({ sql: 'DROP DATABASE padded' });
    }
  }, 120_000);
});

/** Statements on big.t running in other sessions. */
const readingBig = async () =>
  Number(
    (
      await node.query<{ n: number | string }>({
        sql: "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%`big`.`t`%' AND COMMAND = 'Query'",
      })
    )[0]?.n,
  );

/** Pauses the server as soon as a statement on big.t from another session is running, and says when. */
async function freezeWhenReading(): Promise<number> {
  await waitUntil(readingBig, (n) => n > 0, { what: 'a statement on big.t in flight', timeoutMs: 120_000, intervalMs: 20 });
  node.dropConnection(); // the harness's own session would wait on the frozen server too
  // SIGSTOP to the server (PID 1 of its container), as an operator's mistake or a stuck VM would freeze it.
  await docker(['kill', '--signal', 'STOP', node.container.name]);
  paused = true;
  return Date.now();
}

async function thaw(): Promise<void> {
  await docker(['kill', '--signal', 'CONT', node.container.name]);
  paused = false;
  // The statement the command left behind runs to its end on the server: the next case must not see it.
  await waitUntil(readingBig, (n) => n === 0, { what: 'no statement on big.t left running', timeoutMs: 120_000, intervalMs: 100 });
}

/** Runs the command, freezes the server while it reads big.t, and checks it ended with exit 2 in time, saying why. */
async function frozenRun(args: string[]): Promise<void> {
  const done = cli([...args, '--timeout', '5'], { env });
  const frozenAt = await freezeWhenReading();
  const r = await done;
  const ms = Date.now() - frozenAt;
  await thaw();
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /firedrill@[\d.]+:3306: (no answer within 5 s \(--timeout\) to|the connection went after [\d.]+ s waiting for): \S+/,
  );
  expect(ms).toBeLessThan(5_000 + 10_000);
}

describe('a server frozen mid-stream on a 1,000,000-row table', () => {
  it('verify: exit 2 within --timeout plus a few seconds, naming the statement and the server', async () => {
    await frozenRun(['verify', '--source', dsn('/big'), '--target', dsn('/big'), '--full-rows']);
  }, 180_000);

  it('snapshot: exit 2 within --timeout plus a few seconds, no state file written', async () => {
    const out = join(dir, 'frozen.json');
    await frozenRun(['snapshot', '--source', dsn('/big'), '--out', out]);
    expect(existsSync(out)).toBe(false);
  }, 180_000);
});
