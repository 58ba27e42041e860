/**
 * What a restore test puts into its containers before they start, and how it runs the backup's tools: the test's own
 * admin (init file and client option file: the password is never on an argv or in a file on the host), the user's
 * server config (its folder mounted read-only), labelled volumes, and one-shot tool steps whose failures are judged
 * (the backup's fault, other settings needed, or the environment's).
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { format } from 'mysql2';
import { withHeartbeat } from '../exec/index.js';
import type { ContainerFiles } from '../runtime/docker.js';
import type { TopologyContext } from '../runtime/context.js';
import { oneShot } from '../runtime/oneshot.js';
import { openTopologyContext } from '../runtime/topology.js';
import { NotABackupError } from './external.js';
import { BadBackupError, isToolRefusal, NEEDS_OTHER_SETTINGS, needsSettings } from './outcome.js';
import type { PhaseTimer, RestoreTestOptions, RestoreTestOutcome } from './restore-test-types.js';

/** Folders of the image a user's config folder must never cover. */
const SYSTEM_DIR = /^\/(?:$|(?:etc|usr|var|lib|lib64|bin|sbin|run|proc|sys|dev|boot|root|opt\/firedrill)(?:\/|$))/;

/** Where the private files go in every container of the test. */
export const FILES = '/etc/firedrill-restore-test';

type Mount = { source: string; target: string; readOnly?: boolean };

/** Everything the phases of one restore test share. */
export interface RestoreBench {
  o: RestoreTestOptions;
  ctx: TopologyContext;
  outcome: RestoreTestOutcome;
  timed: PhaseTimer;
  /** The test's own accounts (left out of the inventory and the account comparison). */
  adminNames: string[];
  /** The in-container client as the test's admin (through the private client option file). */
  adminClient: string[];
  /** `--defaults-extra-file` of the user's config for the backup tools, when one is given. */
  toolDefaults: string[];
  /** What the restored server's container gets: mounts, and the files put in before it starts. */
  serverMounts: Mount[];
  serverFiles: ContainerFiles[];
  /** Runs a tool in a one-shot container with the private files; a refusal by the tool is a BadBackupError. */
  step(name: string, argv: string[], p?: { volume?: string; mounts?: Mount[] }): ReturnType<typeof oneShot>;
  /** A new volume labelled with the run, removed at teardown. */
  volume(name: string): Promise<string>;
}

const own = (runId: string) => `fdrt_${runId.slice(-6)}${randomBytes(2).toString('hex')}`;

export async function openBench(o: RestoreTestOptions, outcome: RestoreTestOutcome, timed: PhaseTimer): Promise<RestoreBench> {
  const base = await openTopologyContext(o.run, o.flavor, o.progress);
  const suffix = own(o.run.runId);
  const ctx: TopologyContext = { ...base, creds: { ...base.creds, admin: suffix, repl: `${suffix}_r` } };
  const d = ctx.adapter.dialect;
  // Private files the restored server and its tools read: the init file that creates the test's own admin, the
  // client option file (no password on any argv), the user's server config. They go into each container from
  // memory before it starts (an archive put into the created container): none is ever a file on the host.
  const privateFiles: ContainerFiles = {
    dir: FILES,
    newFolderMode: 0o755,
    files: [
      {
        // read by the server as its own user (mysql) at start
        name: 'init.sql',
        mode: 0o644,
        content:
          d
            .bootstrapUsers(ctx.creds)
            .map((s) => format(s.sql, (s.values ?? []) as never[]) + ';')
            .join('\n') + '\n',
      },
      {
        name: 'client.cnf',
        mode: 0o600,
        content: `[client]\nuser=${ctx.creds.admin}\npassword=${ctx.creds.adminPassword}\nprotocol=tcp\nhost=127.0.0.1\n`,
      },
      ...(o.serverConfig ? [{ name: 'user.cnf', mode: 0o600, content: o.serverConfig.config.text }] : []),
    ],
  };
  // The config's own folder is mounted read-only at the same path (key files named in it are found), unless that
  // would cover a folder of the image itself.
  const cfgDir = o.serverConfig ? dirname(o.serverConfig.path) : undefined;
  const cfgDirMount = cfgDir && !SYSTEM_DIR.test(cfgDir) ? [{ source: cfgDir, target: cfgDir, readOnly: true }] : [];
  if (o.serverConfig)
    outcome.observations['serverConfigFolder'] = cfgDirMount.length
      ? `${cfgDir} mounted read-only at the same path`
      : `${cfgDir} not mounted (a system folder of the image)`;
  const serverFiles: ContainerFiles[] = [
    privateFiles,
    ...(o.serverConfig
      ? [
          {
            dir: ctx.adapter.configDropIn.dir,
            files: [{ name: '99-restore-test-user.cnf', mode: 0o644, content: o.serverConfig.config.text }],
          },
        ]
      : []),
  ];
  return {
    o,
    ctx,
    outcome,
    timed,
    adminNames: [ctx.creds.admin, ctx.creds.repl],
    adminClient: [ctx.adapter.client[0]!, `--defaults-extra-file=${FILES}/client.cnf`, ...ctx.adapter.client.slice(1)],
    toolDefaults: o.serverConfig ? [`--defaults-extra-file=${FILES}/user.cnf`] : [],
    serverMounts: cfgDirMount,
    serverFiles,
    async step(name, argv, p = {}) {
      try {
        return await withHeartbeat(
          o.progress,
          argv[0]!,
          oneShot(ctx, {
            name: `rt-${name}`,
            volume: p.volume,
            argv,
            mounts: [...(p.mounts ?? []), ...cfgDirMount],
            files: [privateFiles],
          }),
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const line = msg.split('\n').find((l) => NEEDS_OTHER_SETTINGS.test(l));
        if (line) throw new NotABackupError(`${o.artifact}: ${needsSettings(name, line)}`);
        if (!isToolRefusal(e)) throw e; // a docker call, a deadline: not the backup's fault
        throw new BadBackupError(`${name}: ${msg}`);
      }
    },
    volume: (name) => o.run.volume(name),
  };
}
