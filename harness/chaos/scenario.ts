import type { FlavorId } from '../core/index.js';
import type { Fault } from '../faults/index.js';
import {
  ALL_FLAVORS,
  MARIADB_FLAVORS,
  catchUpFromSources,
  converge,
  defineScenario,
  equalsPrimary,
  expectReplicating,
  galera,
  galeraClusterSize,
  galeraConverge,
  membersEqual,
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
  startNode,
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
import {
  type ChaosCommand,
  type ChaosModel,
  type ChaosTopology,
  type DrawnFault,
  describeCommand,
  drawOf,
  finale,
  firstIneligible,
  initialModel,
  isProcedure,
  parseCommands,
  plan,
  SHAPES,
} from './model.js';
import { InvariantViolation, ModelMismatch, VIOLATION_OBSERVATION, violationOf } from './violation.js';

export interface ChaosSpec {
  id: string;
  topology: ChaosTopology;
  commands: readonly ChaosCommand[];
  flavors?: readonly FlavorId[];
  /** Where the schedule came from (a generated run's seed and the path that replays it). */
  origin?: { seed: number; path?: string; shrunkFrom?: number };
}

const GALERA_MEMBERS = ['galera-1', 'galera-2', 'galera-3'];
const GALERA_WRITE_NODE = 'galera-1';

/** The topologies the generated drills run on: every replica has the backup store, so any may be backed up. */
const TOPOLOGY = {
  'primary-replicas': () => primaryReplicas({ replicas: [], backupReplicas: ['replica-1', 'replica-2'] }),
  'multi-source': () => multiSource({ sources: ['primary-a', 'primary-b'], backupReplicas: ['fanin'] }),
  galera: () => galera({ members: GALERA_MEMBERS, writeNode: GALERA_WRITE_NODE }),
} as const;

/** The steps that carry out one command; every fault heals before the command ends. */
function stepsFor(topology: ChaosTopology, c: ChaosCommand): Step[] {
  if (!isProcedure(c)) return faultSteps(topology, c);
  switch (c.kind) {
    case 'writes':
      return [underLoad(c.count)];
    case 'backup':
      return [physicalBackup(c.target)];
    case 'restore':
      return [restoreLatest(c.target), verifyAgainstSnapshot(c.target), catchUpFromSources(c.target)];
  }
}

/** A registry fault's steps: injected as its draw says (held for a burst of writes, or not), then its recovery. */
function faultSteps(topology: ChaosTopology, c: DrawnFault): Step[] {
  const draw = drawOf(c);
  if (!draw) throw new Error(`chaos command '${c.kind}' names no fault in the registry`);
  const fault = draw.fault(c.target) as Fault;
  const injected = draw.holdsForWrites ? whileFaulted(fault, [underLoad(c.writes ?? 100)]) : inject(fault);
  const rejoined = topology === 'galera' ? galeraSynced([c.target]) : expectReplicating(c.target);
  switch (draw.recovery) {
    case 'rejoin':
      return [injected, rejoined];
    case 'lost':
      return [injected];
    case 'start-after-dropped':
      // The galera-datadir-wiped drill's runbook: the member stays down until the survivors have dropped it (a
      // Primary component of the others), then starts and rejoins by SST. Started again at once, before the cluster
      // noticed, it would come back as a new member at the address of one still counted (docs/chaos-findings.md).
      if (topology !== 'galera')
        throw new Error(`${c.kind}: its recovery waits for a Galera cluster to drop the node (topology ${topology})`);
      return [
        injected,
        galeraClusterSize(GALERA_WRITE_NODE, GALERA_MEMBERS.length - 1),
        // it answers only once the full state transfer is done: 2 minutes are not always enough on a busy machine
        startNode(c.target, 600),
        rejoined,
      ];
  }
}

/** What must hold after every command, in the state the model says the topology is in. */
function invariantsFor(topology: ChaosTopology, m: ChaosModel): Step[] {
  const up = [...m.up].sort();
  if (topology === 'galera') return [galeraConverge(), membersEqual(), ...[GALERA_WRITE_NODE, ...up].map((n) => ledgerHolds(n))];
  const perNode = up.flatMap((n) => [
    equalsPrimary(n),
    ledgerHolds(n),
    ...(topology === 'primary-replicas' ? [noErrant(n)] : [gtidCoversSources(n)]),
  ]);
  return [converge(up), ...perNode];
}

/**
 * Runs the invariants with the workload stopped (rows are compared at rest), then starts it again. Any failed check
 * ends the drill at this command: what comes after would only pile effects on an unknown state.
 */
const invariantsHold = (label: string, checks: Step[], since: CommandStart): Step =>
  step(`invariants hold ${label}`, async (ctx) => {
    // the checks of the command's own steps count too (e.g. the survivors kept a Primary component)
    const before = since.checks;
    await stopWorkload().run(ctx);
    for (const s of checks) await s.run(ctx);
    const failed = ctx.checks.slice(before).filter((k) => !k.valid);
    if (failed.length) throw invariantViolation(label, failed);
    await resumeWorkload().run(ctx);
  });

const invariantViolation = (label: string, failed: ReadonlyArray<{ name: string; details?: unknown }>) =>
  new InvariantViolation(
    `invariant violated ${label}: ${failed.map((k) => k.name).join(', ')}`,
    failed.map((k) => ({ name: k.name, details: k.details })),
  );

/** The drill's last judgement: failed checks are recorded as the violation, and the drill goes on to measure its RPO. */
const finalInvariants = (checks: Step[]): Step =>
  step("invariants hold at the drill's end", async (ctx) => {
    const before = ctx.checks.length;
    for (const s of checks) await s.run(ctx);
    const failed = ctx.checks.slice(before).filter((k) => !k.valid);
    if (failed.length)
      ctx.observations[VIOLATION_OBSERVATION] ??= violationOf(invariantViolation("at the drill's end", failed), undefined, 'the end');
  });

/** Where a command's checks begin (set by its first step). */
interface CommandStart {
  checks: number;
}

/**
 * Before a command: the real topology is in the state the model says (the nodes it counts as up run, the lost
 * ones are gone, as many artifacts exist), so the precondition the model checked holds on the system too.
 */
const modelHolds = (c: ChaosCommand, m: ChaosModel, since: CommandStart = { checks: 0 }): Step =>
  step(`the topology is as the model says before ${describeCommand(c)}`, async (ctx) => {
    since.checks = ctx.checks.length;
    const present = new Map(ctx.topo.all().map((n) => [n.name, n]));
    const notRunning: string[] = [];
    for (const name of m.up) {
      const n = present.get(name);
      if (!n || !(await n.container.state()).running) notRunning.push(name);
    }
    const stillThere = [...m.lost].filter((name) => present.has(name));
    if (notRunning.length || stillThere.length || ctx.artifacts.length !== m.artifacts) {
      const seen = { nodes: [...present.keys()].sort(), notRunning, stillThere, artifacts: ctx.artifacts.length };
      throw new ModelMismatch(
        `model error before ${describeCommand(c)}: the model says up ${[...m.up].sort().join(', ') || 'none'}, lost ${[...m.lost].sort().join(', ') || 'none'}, ${m.artifacts} artifact(s); the topology has ${JSON.stringify(seen)}`,
        seen,
      );
    }
  });

/** A step whose failure is recorded as the chaos drill's violation (classified, with its evidence) before it ends the drill. */
const classified = (command: number | undefined, s: Step): Step => ({
  ...s,
  run: async (ctx) => {
    try {
      await s.run(ctx);
    } catch (e) {
      ctx.observations[VIOLATION_OBSERVATION] ??= violationOf(e, command, s.name);
      throw e;
    }
  },
});

const commandPhaseName = (i: number, c: ChaosCommand) => `cmd-${i + 1}: ${describeCommand(c)}`;

/**
 * A generated schedule as an ordinary drill: a phase per command (its steps, then the invariants), then the final
 * proof. A written-out failure is this call with the shrunk commands: `firedrill run` replays it.
 */
export function chaosScenario(spec: ChaosSpec): ScenarioDefinition {
  const shape = SHAPES[spec.topology];
  const commands = parseCommands(shape, spec.commands);
  const bad = firstIneligible(shape, commands);
  if (bad)
    throw new Error(
      `chaos scenario ${spec.id}: command ${bad.index + 1} (${describeCommand(commands[bad.index]!)}) is not eligible at that point of the schedule: ${bad.reason}`,
    );
  const planned = plan(shape, commands);
  const last = planned[planned.length - 1]?.after ?? initialModel(shape);
  // The end: writes stop, every node still lost is rebuilt (the model's finale: a backup first if none exists), every
  // node converges and is judged once more (the drill's RPO is read after it).
  const ending = plan(shape, finale(shape, last), last);
  const end = ending[ending.length - 1]?.after ?? last;
  const phases: Phase[] = [
    phase('warm-up', [classified(undefined, underLoad(100))]),
    ...planned.map(({ command, before, after }, i) => {
      const since: CommandStart = { checks: 0 };
      return phase(
        commandPhaseName(i, command),
        [
          modelHolds(command, before, since),
          ...stepsFor(spec.topology, command),
          invariantsHold(`after command ${i + 1} (${describeCommand(command)})`, invariantsFor(spec.topology, after), since),
        ].map((s) => classified(i + 1, s)),
      );
    }),
    phase(
      'verify',
      [
        stopWorkload(),
        ...ending.flatMap(({ command, before }) => [modelHolds(command, before), ...stepsFor(spec.topology, command)]),
        finalInvariants(invariantsFor(spec.topology, end)),
      ].map((s) => classified(undefined, s)),
    ),
  ];
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
    rpoNode: spec.topology === 'galera' ? GALERA_WRITE_NODE : [...end.up].sort()[0]!,
  });
}
