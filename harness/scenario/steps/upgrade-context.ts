/**
 * What the pre-upgrade steps share within one drill: the target version, how nodes of another version start (its
 * image, the user's option file minus what that version refuses), the findings so far, the current primary.
 */
import { FLAVORS, type FlavorId } from '../../core/index.js';
import type { TopologyContext } from '../../runtime/context.js';
import type { StartedNode } from '../../runtime/node.js';
import { oneShot } from '../../runtime/oneshot.js';
import { probeOptions, type OptionVerdict } from '../../runtime/option-probe.js';
import { withoutOptions } from '../../runtime/server-config.js';
import { withFlavor } from '../../runtime/topology.js';
import { optionsOfText, serverOptions, type ConfigOption, type Finding } from '../../verify/upgrade/index.js';
import { observationName } from '../names.js';
import type { DrillContext } from '../types.js';
import { upgradeTargetOf } from './upgrade-params.js';

export const upgradeTarget = (ctx: DrillContext): FlavorId => upgradeTargetOf(ctx.params, ctx.tctx.adapter.flavor.id);

/**
 * The server options of the user's file as this drill's old-version nodes run it: in a step after the first of an
 * upgrade path, the file as the step before left it (what that step found refused or ignored commented out), never
 * the file re-read from disk, so each step judges only what it is given and a finding is reported once, by its step.
 */
export function judgedOptions(ctx: DrillContext): ConfigOption[] {
  const cfg = ctx.tctx.serverConfig?.cfg;
  return cfg ? serverOptions(optionsOfText(cfg.path, cfg.text)) : [];
}

/** What a version says of the user's option file (its own binary parses it); once per version and drill. */
export function optionVerdicts(ctx: DrillContext, flavorId: FlavorId, image: string): Promise<OptionVerdict[]> {
  const sc = ctx.tctx.serverConfig;
  if (!sc) return Promise.resolve([]);
  let v = ctx.state.optionVerdicts.get(flavorId);
  if (!v) {
    const options = judgedOptions(ctx);
    ctx.progress(`  asking ${flavorId} about ${options.length} option(s) of ${sc.cfg.path}`);
    v = probeOptions(ctx.run, image, FLAVORS[flavorId].family, options);
    ctx.state.optionVerdicts.set(flavorId, v);
  }
  return v;
}

/**
 * How nodes of another version start in this drill: that version's image, and the user's option file (applied to
 * every node, issue 9) without the options that version refuses, so its nodes start on the rest of the file while
 * each refusal stays a blocking finding of the incompatibility report. The overrides land in the same result.
 */
/**
 * The target version's context, once a stopped node's datadir volume is given to that image's mysql user: the old
 * image's uid may not be the target's (Debian bullseye's mysql is 101, bookworm's and trixie's 100; on one host the
 * package keeps its user). Every in-place upgrade (a replica, a Galera member) goes through it.
 */
export async function datadirHandedTo(ctx: DrillContext, to: FlavorId, node: string, volume: string): Promise<TopologyContext> {
  const target = await flavorContext(ctx, to);
  await oneShot(target, { name: `${node}-own-${to}`, volume, argv: ['chown', '-R', 'mysql:mysql', '/var/lib/mysql'] });
  return target;
}

export function flavorContext(ctx: DrillContext, flavorId: FlavorId): Promise<TopologyContext> {
  let c = ctx.state.flavorContexts.get(flavorId);
  if (!c) {
    c = (async () => {
      const t = await withFlavor(ctx.tctx, flavorId);
      const sc = ctx.tctx.serverConfig;
      if (!sc) return t;
      const refused = (await optionVerdicts(ctx, flavorId, t.image)).filter((v) => v.verdict === 'refused').map((v) => v.name);
      const { cfg, removed } = withoutOptions(sc.cfg, refused, `${flavorId} refuses it`);
      if (!removed.length) return t;
      ctx.progress(
        `  ${flavorId} nodes start without ${removed.map((r) => `${r.option} (line ${r.line})`).join(', ')}: ${flavorId} refuses it`,
      );
      ctx.observations[observationName.serverConfigFor(flavorId)] = { file: sc.cfg.path, removed, why: `${flavorId} refuses them` };
      return { ...t, serverConfig: { ...sc, cfg } };
    })();
    ctx.state.flavorContexts.set(flavorId, c);
  }
  return c;
}
export const findings = (ctx: DrillContext): Finding[] => ctx.state.upgradeFindings;
export const currentPrimary = (ctx: DrillContext): StartedNode => ctx.topo.get(ctx.state.currentPrimary ?? 'primary');
