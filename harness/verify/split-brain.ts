/**
 * A split brain judged from the client ledger: the writes the old primary acknowledged after a replica was promoted
 * in its place (clients on its side of the cut still reached it). Each must be on the old primary and nowhere on the
 * new one (that is what a split brain is: two histories), and there must be some, or the drill never made one. Pure.
 */
import type { LedgerEntry } from '../workload/index.js';
import { check, type CheckResult } from './check.js';

/**
 * The acknowledged writes of the old side's writers after `promotedAt`, in id order, and before each writer was
 * repointed (`firstIdAfterRepoint`: its first id sent elsewhere; a later write of it went to the new primary).
 */
export function splitBrainWrites(
  entries: readonly LedgerEntry[],
  oldSideWriters: readonly number[],
  promotedAt: number,
  firstIdAfterRepoint: ReadonlyMap<number, number> = new Map(),
): LedgerEntry[] {
  const side = new Set(oldSideWriters);
  const before = (e: LedgerEntry) => e.id < (firstIdAfterRepoint.get(e.writer) ?? Number.POSITIVE_INFINITY);
  return entries
    .filter((e) => e.outcome === 'acked' && side.has(e.writer) && e.doneAt > promotedAt && before(e))
    .sort((a, b) => a.id - b.id);
}

/**
 * `old-primary-split-brain-writes`: every write the old primary acknowledged after the promotion is on it and not on
 * the new primary; none at all means the clients on its side had stopped writing before the promotion (no split
 * brain was drilled). The ids are listed exactly.
 */
export function splitBrainHeld(
  oldPrimary: string,
  newPrimary: string,
  writes: readonly LedgerEntry[],
  presentOnOld: Iterable<number>,
  presentOnNew: Iterable<number>,
): CheckResult {
  const onOld = new Set(presentOnOld);
  const onNew = new Set(presentOnNew);
  const ids = writes.map((e) => e.id);
  const d = (kind: string, where: string) => ({ database: '*', object: 'ledger', kind, where });
  const diffs = [
    ...(ids.length ? [] : [d('no-write-acknowledged-by-the-old-primary-after-the-promotion', oldPrimary)]),
    ...ids.filter((id) => !onOld.has(id)).map((id) => d(`split-brain-write-missing-on-${oldPrimary}`, `id ${id}`)),
    ...ids.filter((id) => onNew.has(id)).map((id) => d(`split-brain-write-reached-${newPrimary}`, `id ${id}`)),
  ];
  const at = (x?: LedgerEntry) => x && new Date(x.doneAt).toISOString();
  return check(`${oldPrimary}-split-brain-writes`, diffs, {
    count: ids.length,
    ids,
    firstAckAt: at(writes[0]),
    lastAckAt: at(writes[writes.length - 1]),
  });
}
