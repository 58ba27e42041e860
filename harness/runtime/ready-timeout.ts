/**
 * How long a node may take to answer after its container starts. A server on a fresh or small datadir answers in
 * about a second; one that must recover first (a restored crash-consistent copy, a node killed under load) replays
 * its redo log and opens its tablespaces before it answers, which grows with what it must recover. So the deadline
 * is per node: a floor for the start itself, plus time per GiB of redo log the server may have to apply (bounded by
 * the redo log's capacity) and per GiB of datadir it opens.
 *
 * The rates are measured (below); the defaults are about three times the measured rates, so that a slower disk or a
 * busier machine does not turn a slow recovery into a false "never ready".
 * `firedrill.config.json` overrides any of them: `"readyTimeout": {"minSeconds": 120, "secondsPerGiBRedo": 120,
 * "secondsPerGiBData": 30}`.
 */

export interface ReadyTimeoutRule {
  /** The floor: any start, whatever it recovers. */
  minSeconds: number;
  /** Per GiB of redo log the server may have to apply at start. */
  secondsPerGiBRedo: number;
  /** Per GiB of datadir it opens. */
  secondsPerGiBData: number;
}

/** What a server must recover at its start, as far as it is known (unknown: 0). */
export interface RecoveryWork {
  /** Bytes of the datadir the server starts on. */
  datadirBytes?: number;
  /** Bytes of redo log it may have to apply (the redo log's capacity, or the redo files of a copied datadir). */
  redoBytes?: number;
}

/**
 * Measured 2026-12-06 on the 2-core machine the tests run on, load average 22 from other work (MariaDB 10.11.18,
 * innodb_log_file_size=2G, buffer pool 3G with flushing held back, a 4.3 GiB datadir written by INSERT ... SELECT and
 * UPDATE until 1.60 GiB of redo lay past the last checkpoint; time from `docker start` to the first answered ping):
 * - after SIGKILL: 134.9 s (parse 1.60 GiB of redo ~60 s, apply ~65 s, then ready): ~84 s per GiB of redo, more
 *   than the old fixed 120 s for every node;
 * - after a clean shutdown, same datadir: 30.8 s: ~7 s per GiB of datadir;
 * - a fresh node on the image's template datadir: about 1 s.
 * The rule for that crash: 120 + 1.60 x 120 + 4.3 x 30 = 441 s.
 */
export const DEFAULT_READY_TIMEOUT_RULE: ReadyTimeoutRule = { minSeconds: 120, secondsPerGiBRedo: 120, secondsPerGiBData: 30 };

const GiB = 1024 ** 3;

/** The ready deadline of one node's start, in milliseconds. */
export function readyTimeoutMs(work: RecoveryWork = {}, rule: ReadyTimeoutRule = DEFAULT_READY_TIMEOUT_RULE): number {
  const s =
    rule.minSeconds +
    (Math.max(0, work.redoBytes ?? 0) / GiB) * rule.secondsPerGiBRedo +
    (Math.max(0, work.datadirBytes ?? 0) / GiB) * rule.secondsPerGiBData;
  return Math.ceil(s * 1000);
}

/** The rule with a config's overrides (`readyTimeout` in firedrill.config.json), or a one-line complaint. */
export function parseReadyTimeoutRule(v: unknown, source: string): ReadyTimeoutRule | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `${source}: 'readyTimeout' must be an object {minSeconds, secondsPerGiBRedo, secondsPerGiBData}`;
  const rule = { ...DEFAULT_READY_TIMEOUT_RULE };
  for (const [k, x] of Object.entries(v)) {
    if (!(k in rule)) return `${source}: readyTimeout: unknown key '${k}' (known: ${Object.keys(rule).join(', ')})`;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (k === 'minSeconds' && x < 1))
      return `${source}: readyTimeout.${k} must be a number of seconds${k === 'minSeconds' ? ' (at least 1)' : ' (0 or more)'}`;
    rule[k as keyof ReadyTimeoutRule] = x;
  }
  return rule;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** A server option's size (`64M`, `2G`, `1073741824`) in bytes; undefined when it is not one. */
export function sizeOption(v: string | undefined): number | undefined {
  const m = /^\s*(\d+)\s*([kmgt]?)b?\s*$/i.exec(v ?? '');
  return m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : undefined;
}

/**
 * The redo capacity a node of this family runs with: the user's server configuration's setting if it names one,
 * else the image's own (64M on both families: docker/*\/firedrill.cnf, my.cnf). MariaDB sizes it with
 * innodb_log_file_size (one file since 10.5); MySQL with innodb_redo_log_capacity, or the older
 * innodb_log_file_size x innodb_log_files_in_group.
 */
export function redoCapacity(options: ReadonlyArray<{ name: string; value: string }> = []): number {
  const last = (n: string) => sizeOption(options.filter((o) => o.name === n).at(-1)?.value);
  const capacity = last('innodb-redo-log-capacity');
  if (capacity !== undefined) return capacity;
  const file = last('innodb-log-file-size');
  if (file !== undefined) return file * (last('innodb-log-files-in-group') ?? 1);
  return 64 * 1024 ** 2;
}
