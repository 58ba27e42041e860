import type { FlavorId } from '../core/index.js';
import {
  ALL_FLAVORS,
  MARIADB_FLAVORS,
  catchUpFromSources,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  galera,
  galeraConverge,
  galeraMembersEqual,
  galeraSynced,
  gtidCoversSources,
  inject,
  ledgerHolds,
  multiSource,
  noErrant,
  phase,
  physicalBackup,
  primaryReplicas,
  restoreLatest,
  resumeWorkload,
  step,
  stopWorkload,
  underLoad,
  verifyAgainstSnapshot,
  whileFaulted,
  type Phase,
  type ScenarioDefinition,
  type Step,
} from '../scenario/index.js';
import { type ChaosCommand, type ChaosModel, type ChaosTopology, describeCommand, parseCommands, plan, SHAPES } from './model.js';

export interface ChaosSpec {
  id: string;
  topology: ChaosTopology;
  commands: readonly ChaosCommand[];
  flavors?: readonly FlavorId[];
  /** Where the schedule came from (a generated run's seed and the path that replays it). */
  origin?: { seed: number; path?: string; shrunkFrom?: number };
}

/** The topologies the generated drills run on: every replica has the backup store, so any may be backed up. */
const TOPOLOGY = {
  'primary-replicas': () => primaryReplicas({ replicas: [], backupReplicas: ['replica-1', 'replica-2'] }),
  'multi-source': () => multiSource({ sources: ['primary-a', 'primary-b'], backupReplicas: ['fanin'] }),
  galera: () => galera({ members: ['galera-1', 'galera-2', 'galera-3'], writeNode: 'galera-1' }),
} as const;

/** The steps that carry out one command; every fault heals before the command ends. */
function stepsFor(topology: ChaosTopology, c: ChaosCommand): Step[] {
  const rejoined = (node: string) => (topology === 'galera' ? galeraSynced([node]) : expectReplicating(node));
  switch (c.kind) {
    case 'writes':
      return [underLoad(c.count)];
    case 'kill':
      return [inject({ kind: 'kill', target: c.target, signal: 'KILL' }), rejoined(c.target)];
    case 'pause':
    case 'partition':
      return [whileFaulted({ kind: c.kind, target: c.target }, [underLoad(c.writes)]), rejoined(c.target)];
    case 'wipe-datadir':
      return [inject({ kind: 'wipe-datadir', target: c.target }), galeraSynced([c.target])];
    case 'lose':
      return [inject({ kind: 'destroy', target: c.target })];
    case 'backup':
      return [physicalBackup(c.target)];
    case 'restore':
      return [restoreLatest(c.target), verifyAgainstSnapshot(c.target), catchUpFromSources(c.target)];
  }
}

/** What must hold after every command, in the state the model says the topology is in. */
function invariantsFor(topology: ChaosTopology, m: ChaosModel): Step[] {
  const up = [...m.up].sort();
  if (topology === 'galera') return [galeraConverge(), galeraMembersEqual(), ...['galera-1', ...up].map((n) => ledgerHolds(n))];
  const perNode = up.flatMap((n) => [
    equalsPrimary(n),
    ledgerHolds(n),
    ...(topology === 'primary-replicas' ? [noErrant(n)] : [gtidCoversSources(n)]),
  ]);
  return [converge(up), ...perNode];
}

/** Thrown when an invariant fails: the run stops there, with the failed checks as its evidence. */
class InvariantViolation extends Error {}

/**
 * Runs the invariants with the workload stopped (rows are compared at rest), then starts it again. Any failed
 * check ends the drill at this command: what comes after would only pile effects on an unknown state.
 */
const invariantsHold = (index: number, c: ChaosCommand, checks: Step[]): Step =>
  step(`invariants hold after command ${index + 1}`, async (ctx) => {
    const before = ctx.checks.length;
    await stopWorkload().run(ctx);
    for (const s of checks) await s.run(ctx);
    const failed = ctx.checks.slice(before).filter((k) => !k.valid);
    if (failed.length)
      throw new InvariantViolation(
        `invariant violated after command ${index + 1} (${describeCommand(c)}): ${failed.map((k) => k.name).join(', ')}`,
      );
    await resumeWorkload().run(ctx);
  });

const commandPhaseName = (i: number, c: ChaosCommand) => `cmd-${i + 1}: ${describeCommand(c)}`;

/** The command index a phase name stands for (the inverse of commandPhaseName), or undefined. */
export const commandIndexOf = (phaseName: string): number | undefined => {
  const m = /^cmd-(\d+):/.exec(phaseName);
  return m ? Number(m[1]) - 1 : undefined;
};

/**
 * A generated schedule as an ordinary drill: a phase per command (its steps, then the invariants), then the final
 * proof. A written-out failure is this call with the shrunk commands: `firedrill run` replays it.
 */
export function chaosScenario(spec: ChaosSpec): ScenarioDefinition {
  const shape = SHAPES[spec.topology];
  const commands = parseCommands(shape, spec.commands);
  const planned = plan(shape, commands);
  if (planned.length !== commands.length) {
    const bad = commands.findIndex((c, i) => planned[i]?.command !== c);
    throw new Error(
      `chaos scenario ${spec.id}: command ${bad + 1} (${describeCommand(commands[bad]!)}) is not eligible at that point of the schedule`,
    );
  }
  const phases: Phase[] = [
    phase('warm-up', [underLoad(100)]),
    ...planned.map(({ command, after }, i) =>
      phase(commandPhaseName(i, command), [
        ...stepsFor(spec.topology, command),
        invariantsHold(i, command, invariantsFor(spec.topology, after)),
      ]),
    ),
  ];
  const last = planned[planned.length - 1]?.after ?? { up: new Set(shape.targets), lost: new Set<string>(), artifacts: 0 };
  // The end: writes stop, a node still lost is rebuilt from the latest artifact, every node converges and is judged
  // once more (the drill's RPO is read after it).
  const rebuilt = [...last.lost].sort();
  const end: ChaosModel = { up: new Set([...last.up, ...rebuilt]), lost: new Set(), artifacts: last.artifacts };
  phases.push(
    phase('verify', [
      stopWorkload(),
      ...rebuilt.flatMap((n) => stepsFor(spec.topology, { kind: 'restore', target: n })),
      ...invariantsFor(spec.topology, end),
    ]),
  );
  const origin = spec.origin ? ` (seed ${spec.origin.seed}${spec.origin.path ? `, path ${spec.origin.path}` : ''})` : '';
  return defineScenario({
    id: spec.id,
    description: `generated chaos schedule on ${spec.topology}${origin}: ${commands.map(describeCommand).join('; ') || 'no command'}`,
    flavors: spec.flavors ?? (spec.topology === 'galera' ? MARIADB_FLAVORS : ALL_FLAVORS),
    params: {},
    topology: TOPOLOGY[spec.topology](),
    data: { dataset: false, bulkMb: () => 0 },
    workload: { writers: 2, ratePerSec: 100 },
    phases,
    // the ledger is judged on a replica standing at the end (Galera: the member the workload writes to)
    rpoNode: spec.topology === 'galera' ? 'galera-1' : [...end.up].sort()[0]!,
  });
}
