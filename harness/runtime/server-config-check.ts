import { UsageError } from '../core/index.js';
import { ExecError } from '../exec/index.js';
import type { TopologyContext } from './context.js';
import type { ContainerFiles } from './docker.js';
import { oneShot } from './oneshot.js';
import { overridesFor, refusalOf, USER_CONFIG_NAME, type ServerConfig } from './server-config.js';

/**
 * Puts the file into a throw-away container of the run's image (from memory) and lets the server read it (with the
 * options a primary gets pinned) and the files it names: an option it refuses is bad input (exit 2) before any node starts.
 */
export async function validateServerConfig(ctx: TopologyContext, cfg: ServerConfig, files: readonly ContainerFiles[] = []): Promise<void> {
  const a = ctx.adapter;
  const probe = a.serverCommand({ serverId: 1 });
  const { flags } = overridesFor(cfg, a.flavor.family, { serverId: 1, readOnly: false, galera: false, skipReplicaStart: false }, probe);
  try {
    await oneShot(ctx, {
      name: 'server-config-check',
      argv: [...a.validateConfig, ...probe.slice(1).filter((x) => x.startsWith('--')), ...flags],
      // with the files it names (a key file): a plugin that cannot read its file is refused here, not at a node's start
      files: [{ dir: a.configDropIn.dir, files: [{ name: USER_CONFIG_NAME, content: cfg.text, mode: 0o644 }] }, ...files],
    });
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const why = refusalOf(`${e.stdout}\n${e.stderrTail}`) ?? e.stderrTail.trim().split('\n').pop() ?? `exit ${e.exitCode}`;
    throw new UsageError(`--server-config ${cfg.path}: ${a.flavor.id} refuses it: ${why}`);
  }
}
