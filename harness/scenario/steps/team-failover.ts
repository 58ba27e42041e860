// The team's own failover (`--param failover=<command>`): their script or tool promotes, firedrill watches and judges.
import { resolve } from 'node:path';
import { run, waitUntil, ExecError } from '../../exec/index.js';
import { check } from '../../verify/index.js';
import type { FailoverState } from '../state.js';
import type { DrillContext } from '../types.js';

/** Variables that carry secrets: given to the command, never written to the report. */
const SECRET = new Set(['MYSQL_PWD', 'FIREDRILL_REPL_PASSWORD']);

/**
 * The topology as orchestrator's hooks receive it (ORC_FAILURE_TYPE, ORC_FAILED_HOST, ORC_REPLICA_HOSTS, ...), plus
 * what a script needs to reach the servers from this host: every node's address by name, the family, firedrill's
 * admin and replication users. Passwords go in MYSQL_PWD (which the mysql and mariadb clients read) and
 * FIREDRILL_REPL_PASSWORD, never on argv.
 */
function hookEnvironment(ctx: DrillContext, f: FailoverState): Record<string, string> {
  const failed = ctx.topo.get(f.failed);
  const replicas = ctx.topo.replicas;
  return {
    ORC_FAILURE_TYPE: 'DeadMaster',
    ORC_INSTANCE_TYPE: 'master',
    ORC_IS_MASTER: 'true',
    ORC_FAILED_HOST: failed.address,
    ORC_FAILED_PORT: '3306',
    ORC_FAILURE_CLUSTER: ctx.run.runId,
    ORC_COUNT_REPLICAS: String(replicas.length),
    ORC_REPLICA_HOSTS: replicas.map((r) => `${r.address}:3306`).join(','),
    FIREDRILL_FAMILY: failed.adapter.flavor.family,
    FIREDRILL_FAILED_NODE: failed.name,
    FIREDRILL_NODES: replicas.map((r) => `${r.name}=${r.address}`).join(','),
    FIREDRILL_USER: ctx.tctx.creds.admin,
    MYSQL_PWD: ctx.tctx.creds.adminPassword,
    FIREDRILL_REPL_USER: ctx.tctx.creds.repl,
    FIREDRILL_REPL_PASSWORD: ctx.tctx.creds.replPassword,
  };
}

/** The command line, split on blanks (no shell); a relative program is found from the current folder. */
const argvOf = (command: string): string[] => {
  const argv = command.trim().split(/\s+/);
  if (argv[0]!.startsWith('.')) argv[0] = resolve(argv[0]!);
  return argv;
};

/**
 * Runs the team's command with the topology in its environment, then follows whichever node becomes writable (as the
 * proxy does): that node (returned) is the new primary, judged by the same checks as firedrill's own promotion.
 */
export async function runTeamFailover(ctx: DrillContext, f: FailoverState): Promise<string> {
  const command = String(ctx.params['failover']);
  const env = hookEnvironment(ctx, f);
  const timeoutMs = Number(ctx.params['failoverTimeoutS'] ?? 120) * 1000;
  const t0 = Date.now();
  const outcome = await run(argvOf(command), { env, timeoutMs }).then(
    (r) => ({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, error: undefined as string | undefined }),
    (e: unknown) =>
      e instanceof ExecError
        ? { exitCode: e.exitCode ?? -1, stdout: e.stdout, stderr: e.stderrTail, error: e.message.split('\n')[0] }
        : { exitCode: -1, stdout: '', stderr: '', error: (e as Error).message },
  );
  const scrub = (s: string) => [...SECRET].reduce((t, k) => t.split(env[k]!).join('***'), s).slice(-2000);
  ctx.observations['promotion'] = {
    by: "the team's failover command",
    command: argvOf(command),
    environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, SECRET.has(k) ? '***' : v])),
    exitCode: outcome.exitCode,
    ms: Date.now() - t0,
    stdout: scrub(outcome.stdout),
    stderr: scrub(outcome.stderr),
  };
  ctx.checks.push(
    check(
      'failover-command-succeeded',
      outcome.exitCode === 0
        ? []
        : [
            {
              database: '*',
              object: command,
              kind: 'failover-command-failed',
              actual: outcome.exitCode,
              where: outcome.error && scrub(outcome.error),
            },
          ],
    ),
  );
  const writable = await waitUntil(
    async () => f.router.writable.filter((n) => n !== f.failed),
    (w) => w.length > 0,
    { what: "a node made writable by the team's failover command", timeoutMs, intervalMs: 50 },
  );
  const seen = f.router.history.find((h) => h.writable.includes(writable[0]!));
  f.promotedAt = Math.max(seen?.at ?? Date.now(), f.detectedAt ?? 0);
  return writable[0]!;
}
