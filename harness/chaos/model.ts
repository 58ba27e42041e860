/**
 * The chaos model: what a generated schedule may do to a topology, and when each command is eligible. Pure: no
 * docker, no SQL. A schedule is data (a list of commands) so it can be printed, replayed, shrunk and written out
 * as a scenario file.
 */

export type ChaosTopology = 'primary-replicas' | 'multi-source' | 'galera';
export const CHAOS_TOPOLOGIES: readonly ChaosTopology[] = ['primary-replicas', 'multi-source', 'galera'];

/** One command of a schedule. Faults heal before the command ends; `lose` and `restore` change the topology. */
export type ChaosCommand =
  | { kind: 'kill'; target: string }
  | { kind: 'pause'; target: string; writes: number }
  | { kind: 'partition'; target: string; writes: number }
  | { kind: 'wipe-datadir'; target: string }
  | { kind: 'lose'; target: string }
  | { kind: 'backup'; target: string }
  | { kind: 'restore'; target: string }
  | { kind: 'writes'; count: number };

type ChaosKind = ChaosCommand['kind'];

/** The fault kinds a user can allow with `--faults` (the procedures backup/restore/writes are always allowed). */
export const FAULT_COMMANDS = ['kill', 'pause', 'partition', 'wipe-datadir', 'lose'] as const;
export type FaultCommand = (typeof FAULT_COMMANDS)[number];

/** What each topology offers: its nodes, which of them faults may hit, and which commands apply. */
export interface ChaosShape {
  topology: ChaosTopology;
  /** The nodes faults may target (never the node the workload writes to). */
  targets: readonly string[];
  /** Nodes a physical backup may be taken from (they have the backup store mounted). */
  backupFrom: readonly string[];
  kinds: readonly ChaosKind[];
}

export const SHAPES: Readonly<Record<ChaosTopology, ChaosShape>> = {
  'primary-replicas': {
    topology: 'primary-replicas',
    targets: ['replica-1', 'replica-2'],
    backupFrom: ['replica-1', 'replica-2'],
    kinds: ['kill', 'pause', 'partition', 'lose', 'backup', 'restore', 'writes'],
  },
  'multi-source': {
    topology: 'multi-source',
    targets: ['fanin'],
    backupFrom: ['fanin'],
    kinds: ['kill', 'pause', 'partition', 'lose', 'backup', 'restore', 'writes'],
  },
  // Galera members rejoin by IST/SST on their own: a lost datadir is 'wipe-datadir' (the member restarts empty).
  galera: {
    topology: 'galera',
    targets: ['galera-2', 'galera-3'],
    backupFrom: [],
    kinds: ['kill', 'pause', 'partition', 'wipe-datadir', 'writes'],
  },
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
  switch (c.kind) {
    case 'writes':
      return undefined;
    case 'backup':
      if (!shape.backupFrom.includes(c.target)) return `${c.target} has no backup store (backups come from ${shape.backupFrom.join(', ')})`;
      return m.up.has(c.target) ? undefined : `${c.target} is not up`;
    case 'restore':
      if (!m.lost.has(c.target)) return `${c.target} is not lost`;
      return m.artifacts > 0 ? undefined : 'no backup artifact has been taken yet';
    case 'lose': {
      if (!m.up.has(c.target)) return `${c.target} is not up`;
      const others = [...m.up].filter((n) => n !== c.target);
      // the invariants compare replicas with their source: primary-replicas keeps one replica standing
      if (shape.topology === 'primary-replicas' && others.length === 0) return `${c.target} is the last replica standing`;
      // the drill's end rebuilds every node still lost: from an artifact, or from a backup of a node still standing
      if (m.artifacts === 0 && !others.some((n) => shape.backupFrom.includes(n)))
        return `${c.target} could not be rebuilt: no artifact exists and no other node to back up stands`;
      return undefined;
    }
    default:
      if (!shape.targets.includes(c.target)) return `${c.target} is not a fault target (${shape.targets.join(', ')})`;
      return m.up.has(c.target) ? undefined : `${c.target} is not up`;
  }
}

/** Whether the command may run in this state. */
const eligible = (shape: ChaosShape, m: ChaosModel, c: ChaosCommand): boolean => precondition(shape, m, c) === undefined;

/** The state after an eligible command. */
export function apply(m: ChaosModel, c: ChaosCommand): ChaosModel {
  const up = new Set(m.up);
  const lost = new Set(m.lost);
  if (c.kind === 'lose') {
    up.delete(c.target);
    lost.add(c.target);
  }
  if (c.kind === 'restore') {
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
  switch (c.kind) {
    case 'writes':
      return `${c.count} more acknowledged writes`;
    case 'pause':
    case 'partition':
      return `${c.kind} ${c.target} for ${c.writes} writes`;
    default:
      return `${c.kind} ${c.target}`;
  }
}

/** Validates a schedule read from a file or the command line (a replayed or written scenario). */
export function parseCommands(shape: ChaosShape, raw: unknown): ChaosCommand[] {
  if (!Array.isArray(raw)) throw new Error('a chaos schedule is an array of commands');
  return raw.map((c, i) => {
    const o = c as Record<string, unknown>;
    const kind = o['kind'] as ChaosKind;
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
    if (kind === 'pause' || kind === 'partition') {
      const writes = o['writes'];
      if (!Number.isInteger(writes) || (writes as number) < 1) throw new Error(`command ${i + 1}: ${kind} needs a positive 'writes'`);
      return { kind, target, writes: writes as number };
    }
    return { kind, target } as ChaosCommand;
  });
}
