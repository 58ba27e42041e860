/**
 * The version steps of an upgrade: a team moves one long-term series at a time (Debian: bullseye's 10.5, bookworm's
 * 10.11, trixie's 11.8), so `--from mariadb-10.5 --to mariadb-11.8` is rehearsed as 10.5 -> 10.11 then 10.11 -> 11.8.
 * Decision: the intermediate versions are the flavors of the same family that come between the two in FLAVORS order
 * (the order of their entries, oldest series first); every one of them is a stop.
 */
import { UsageError } from './errors.js';
import { FLAVORS, type Flavor, type FlavorId } from './flavors.js';

export interface UpgradeStep {
  from: FlavorId;
  to: FlavorId;
}

/** The family's flavors in FLAVORS order. */
const familyLine = (f: Flavor): Flavor[] => Object.values(FLAVORS).filter((x) => x.family === f.family);

/**
 * The steps from one flavor to a later one of the same family (bad input, exit 2: the same version, a downgrade). A move
 * to another family is one step of its own (whether it can be rehearsed is the rules' to say: a file for that step).
 */
export function upgradePath(from: FlavorId, to: FlavorId): UpgradeStep[] {
  const [a, b] = [FLAVORS[from], FLAVORS[to]];
  if (from === to) throw new UsageError(`the upgrade goes from ${from} to the same version`);
  if (a.family !== b.family) return [{ from, to }];
  const line = familyLine(a);
  const [i, j] = [line.indexOf(a), line.indexOf(b)];
  if (j < i)
    throw new UsageError(
      `${from} -> ${to} is a downgrade (firedrill's ${a.family} versions in order: ${line.map((f) => f.id).join(', ')})`,
    );
  return line.slice(i, j).map((f, k) => ({ from: f.id, to: line[i + k + 1]!.id }));
}

/** The next version of the flavor's family in FLAVORS order: where a one-step rehearsal goes by default. */
export function nextVersion(from: FlavorId): FlavorId | undefined {
  const line = familyLine(FLAVORS[from]);
  return line[line.indexOf(FLAVORS[from]) + 1]?.id;
}
