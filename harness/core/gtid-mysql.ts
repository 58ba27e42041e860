/** A closed interval of transaction numbers, [first, last]. */
type Interval = readonly [number, number];
/**
 * MySQL GTID sets as values: `uuid:1-5:7-9,uuid2:1-3`, with MySQL 8.3+ tags (`uuid:1-3:tag:1-2`). A set maps each
 * source (uuid, or uuid:tag) to sorted, disjoint, non-adjacent closed intervals.
 */
export type MysqlGtidSet = ReadonlyMap<string, readonly Interval[]>;

export class MysqlGtidParseError extends Error {
  constructor(input: string, why: string) {
    super(`bad GTID set '${input}': ${why}`);
    this.name = 'MysqlGtidParseError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TAG = /^[a-z_][a-z0-9_]{0,31}$/;

/** Sorts and merges overlapping or adjacent intervals. */
function normalise(iv: readonly Interval[]): Interval[] {
  const s = [...iv].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function build(entries: Iterable<[string, readonly Interval[]]>): MysqlGtidSet {
  const m = new Map<string, Interval[]>();
  for (const [k, iv] of entries) {
    const n = normalise([...(m.get(k) ?? []), ...iv]);
    if (n.length) m.set(k, n);
    else m.delete(k);
  }
  return m;
}

export function parseMysqlSet(input: string): MysqlGtidSet {
  const text = input.replace(/\s+/g, '');
  if (text === '') return new Map();
  const entries: Array<[string, Interval[]]> = [];
  for (const part of text.split(',')) {
    const [uuidRaw, ...rest] = part.split(':');
    const uuid = (uuidRaw ?? '').toLowerCase();
    if (!UUID.test(uuid)) throw new MysqlGtidParseError(input, `'${uuidRaw}' is not a uuid`);
    if (rest.length === 0) throw new MysqlGtidParseError(input, `'${part}' has no interval`);
    let key = uuid;
    // A tag must be followed by at least one interval: `uuid:tag` or `uuid:tag:tag2:1-3` names no transaction.
    let dangling: string | undefined;
    for (const tok of rest) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(tok);
      if (m) {
        const a = Number(m[1]);
        const b = m[2] === undefined ? a : Number(m[2]);
        if (a < 1 || b < a || !Number.isSafeInteger(b)) throw new MysqlGtidParseError(input, `bad interval '${tok}'`);
        entries.push([key, [[a, b]]]);
        dangling = undefined;
      } else if (TAG.test(tok.toLowerCase())) {
        if (dangling !== undefined) throw new MysqlGtidParseError(input, `tag '${dangling}' has no interval`);
        key = `${uuid}:${tok.toLowerCase()}`;
        dangling = tok;
      } else {
        throw new MysqlGtidParseError(input, `'${tok}' is neither an interval nor a tag`);
      }
    }
    if (dangling !== undefined) throw new MysqlGtidParseError(input, `tag '${dangling}' has no interval`);
  }
  return build(entries);
}

const fmtIv = (iv: readonly Interval[]) => iv.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(':');

export function formatMysqlSet(s: MysqlGtidSet): string {
  const byUuid = new Map<string, string[]>();
  for (const k of [...s.keys()].sort()) {
    const [uuid, tag] = k.split(':') as [string, string | undefined];
    const parts = byUuid.get(uuid) ?? [];
    parts.push(tag ? `${tag}:${fmtIv(s.get(k)!)}` : fmtIv(s.get(k)!));
    byUuid.set(uuid, parts);
  }
  return [...byUuid.entries()].map(([u, p]) => `${u}:${p.join(':')}`).join(',');
}

export function union(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  return build([...a.entries(), ...b.entries()]);
}

function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [s0, e0] of a) {
    let s = s0;
    for (const [bs, be] of b) {
      if (be < s || bs > e0) continue;
      if (bs > s) out.push([s, bs - 1]);
      s = Math.max(s, be + 1);
      if (s > e0) break;
    }
    if (s <= e0) out.push([s, e0]);
  }
  return out;
}

export function subtract(a: MysqlGtidSet, b: MysqlGtidSet): MysqlGtidSet {
  return build([...a.entries()].map(([k, iv]) => [k, subtractIntervals(iv, b.get(k) ?? [])] as [string, Interval[]]));
}

export const isSubset = (a: MysqlGtidSet, b: MysqlGtidSet) => subtract(a, b).size === 0;
export const setsEqual = (a: MysqlGtidSet, b: MysqlGtidSet) => isSubset(a, b) && isSubset(b, a);
