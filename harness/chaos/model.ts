/**
 * The chaos model: what a generated schedule may do to a topology, and when each command is eligible. Pure: no
 * docker, no SQL. A schedule is data (a list of commands) so it can be printed, replayed, shrunk and written out
 * as a scenario file. Its faults come from the registry (harness/faults): each says on which topologies chaos
 * draws it, what it needs beyond its target being up, and whether it loses the node.
 */

import { type BaseFault, type ChaosDraw, type ChaosTopology, chaosFaultOf, chaosFaults } from '../faults/index.js';

export type { ChaosTopology };
export const CHAOS_TOPOLOGIES: readonly ChaosTopology[] = ['primary-replicas', 'multi-source', 'galera'];

/** A procedure: always allowed, modelled here (backups, restores of lost nodes, bursts of writes). */
type ProcedureCommand = { kind: 'backup'; target: string } | { kind: 'restore'; target: string } | { kind: 'writes'; count: number };
type ProcedureKind = ProcedureCommand['kind'];
const PROCEDURES: readonly string[] = ['backup', 'restore', 'writes'] satisfies ProcedureKind[];

/**
 * A fault drawn from the registry (harness/faults): the command its chaos draw names ('kill', 'lose', ...), its
 * target, and, for a fault held while writes run, how many writes.
 */
export interface DrawnFault {
  kind: string;
  target: string;
  writes?: number;
}

/** One command of a schedule. Faults heal before the command ends; `lose` and `restore` change the topology. */
export type ChaosCommand = ProcedureCommand | DrawnFault;

export const isProcedure = (c: ChaosCommand): c is ProcedureCommand => PROCEDURES.includes(c.kind);

/** The fault a command names in the registry, or undefined for a procedure. */
export const drawOf = (c: ChaosCommand): ChaosDraw<BaseFault> | undefined => (isProcedure(c) ? undefined : chaosFaultOf(c.kind)?.draw);

/** The fault commands a user can allow with `--faults`: every fault the registry lets chaos draw. */
export const faultCommands = (topology?: ChaosTopology): string[] => chaosFaults(topology).map((f) => f.draw.command);

/** What each topology offers: its nodes, which of them faults may hit, and which commands apply. */
export interface ChaosShape {
  topology: ChaosTopology;
  /** The nodes faults may target (never the node the workload writes to). */
  targets: readonly string[];
  /** Nodes a physical backup may be taken from (they have the backup store mounted). */
  backupFrom: readonly string[];
  /** The registry's faults drawn on this topology, then its procedures. */
  kinds: readonly string[];
}

const shape = (topology: ChaosTopology, targets: string[], backupFrom: string[], procedures: ProcedureKind[]): ChaosShape => ({
  topology,
  targets,
  backupFrom,
  kinds: [...faultCommands(topology), ...procedures],
});

export const SHAPES: Readonly<Record<ChaosTopology, ChaosShape>> = {
  'primary-replicas': shape('primary-replicas', ['replica-1', 'replica-2'], ['replica-1', 'replica-2'], ['backup', 'restore', 'writes']),
  'multi-source': shape('multi-source', ['fanin'], ['fanin'], ['backup', 'restore', 'writes']),
  // Galera members rejoin by IST/SST on their own: no backup store, nothing is lost for a restore to rebuild
  galera: shape('galera', ['galera-2', 'galera-3'], [], ['writes']),
};

/** The model's state: which target nodes are up or lost, and how many artifacts exist. */
export interface ChaosModel {
  up: ReadonlySet<string>;
  lost: ReadonlySet<string>;
  artifacts: number;
}

export const initialModel = (shape: ChaosShape): ChaosModel => ({ up: new Set(shape.targets), lost: new Set(), artifacts: 0 });

/**
 * The command's precondition: why it may not run in this state, or undefined when it may. It is the one place that
 * says what a command needs; the generator draws only what it allows, the drill re-checks it against the real
 * topology before the command runs (a mismatch is a model error), and a written scenario is refused by it.
 */
export function precondition(shape: ChaosShape, m: ChaosModel, c: ChaosCommand): string | undefined {
  if (!shape.kinds.includes(c.kind)) return `${c.kind} does not apply to ${shape.topology}`;
  if (!isProcedure(c)) {
    if (!shape.targets.includes(c.target)) return `${c.target} is not a fault target (${shape.targets.join(', ')})`;
    if (!m.up.has(c.target)) return `${c.target} is not up`;
    return drawOf(c)?.precondition?.({ topology: shape.topology, ...m, backupFrom: shape.backupFrom }, c.target);
  }
  switch (c.kind) {
    case 'writes':
      return undefined;
    case 'backup':
      if (!shape.backupFrom.includes(c.target)) return `${c.target} has no backup store (backups come from ${shape.backupFrom.join(', ')})`;
      return m.up.has(c.target) ? undefined : `${c.target} is not up`;
    case 'restore':
      if (!m.lost.has(c.target)) return `${c.target} is not lost`;
      return m.artifacts > 0 ? undefined : 'no backup artifact has been taken yet';
  }
}

/** Whether the command may run in this state. */
const eligible = (shape: ChaosShape, m: ChaosModel, c: ChaosCommand): boolean => precondition(shape, m, c) === undefined;

/** The state after an eligible command. */
export function apply(m: ChaosModel, c: ChaosCommand): ChaosModel {
  const up = new Set(m.up);
  const lost = new Set(m.lost);
  if (!isProcedure(c) && drawOf(c)?.recovery === 'lost') {
    up.delete(c.target);
    lost.add(c.target);
  }
  if (isProcedure(c) && c.kind === 'restore') {
    lost.delete(c.target);
    up.add(c.target);
  }
  return { up, lost, artifacts: m.artifacts + (c.kind === 'backup' ? 1 : 0) };
}

/** One command of a schedule with the model's state before and after it. */
export interface PlannedCommand {
  command: ChaosCommand;
  before: ChaosModel;
  after: ChaosModel;
}

/** The commands of a drawn list that are eligible when run in order, with the model around each. */
export function plan(shape: ChaosShape, drawn: readonly ChaosCommand[], from: ChaosModel = initialModel(shape)): PlannedCommand[] {
  let m = from;
  const out: PlannedCommand[] = [];
  for (const c of drawn) {
    if (!eligible(shape, m, c)) continue;
    const before = m;
    m = apply(m, c);
    out.push({ command: c, before, after: m });
  }
  return out;
}

/**
 * The drill's end as commands of the model: every node still lost is rebuilt from the latest artifact, after a
 * backup of a node still standing when none was taken. Planned like any command, so their preconditions hold too.
 */
export function finale(shape: ChaosShape, m: ChaosModel): ChaosCommand[] {
  const lost = [...m.lost].sort();
  if (!lost.length) return [];
  const from = shape.backupFrom.find((n) => m.up.has(n));
  const backup: ChaosCommand[] = m.artifacts === 0 && from ? [{ kind: 'backup', target: from }] : [];
  return [...backup, ...lost.map((target): ChaosCommand => ({ kind: 'restore', target }))];
}

/** The first command of a schedule whose precondition does not hold where it stands, and why; undefined if none. */
export function firstIneligible(
  shape: ChaosShape,
  commands: readonly ChaosCommand[],
  from: ChaosModel = initialModel(shape),
): { index: number; reason: string } | undefined {
  let m = from;
  for (const [index, c] of commands.entries()) {
    const reason = precondition(shape, m, c);
    if (reason) return { index, reason };
    m = apply(m, c);
  }
  return undefined;
}

/** One line for a person (progress, timeline, phase names). */
export function describeCommand(c: ChaosCommand): string {
  if (!isProcedure(c)) return c.writes !== undefined ? `${c.kind} ${c.target} for ${c.writes} writes` : `${c.kind} ${c.target}`;
  return c.kind === 'writes' ? `${c.count} more acknowledged writes` : `${c.kind} ${c.target}`;
}

/** Validates a schedule read from a file or the command line (a replayed or written scenario). */
export function parseCommands(shape: ChaosShape, raw: unknown): ChaosCommand[] {
  if (!Array.isArray(raw)) throw new Error('a chaos schedule is an array of commands');
  return raw.map((c, i) => {
    const o = c as Record<string, unknown>;
    const kind = String(o['kind']);
    if (!shape.kinds.includes(kind))
      throw new Error(
        `command ${i + 1}: kind '${String(o['kind'])}' does not apply to ${shape.topology} (known: ${shape.kinds.join(', ')})`,
      );
    if (kind === 'writes') {
      if (!Number.isInteger(o['count']) || (o['count'] as number) < 1) throw new Error(`command ${i + 1}: writes needs a positive count`);
      return { kind, count: o['count'] as number };
    }
    const target = o['target'];
    const known = kind === 'backup' ? shape.backupFrom : shape.targets;
    if (typeof target !== 'string' || !known.includes(target))
      throw new Error(`command ${i + 1}: target '${String(target)}' is not one of ${known.join(', ')}`);
    if (chaosFaultOf(kind)?.draw.holdsForWrites) {
      const writes = o['writes'];
      if (!Number.isInteger(writes) || (writes as number) < 1) throw new Error(`command ${i + 1}: ${kind} needs a positive 'writes'`);
      return { kind, target, writes: writes as number };
    }
    return { kind, target } as ChaosCommand;
  });
}
