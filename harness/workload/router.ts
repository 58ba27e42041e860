import { setTimeout as delay } from 'node:timers/promises';
import { waitUntil } from '../exec/index.js';
import type { Connection } from '../runtime/connection.js';
import type { StartedNode } from '../runtime/node.js';
import { failoverSql, type Statement } from '../sql/index.js';
import type { WriteTarget } from './writer.js';

/** How often the router asks every node whether it is writable, and how long one answer may take. */
const PROBE_EVERY_MS = 100;
const PROBE_DEADLINE_MS = 500;

/** A change of what the router saw: the writable nodes from `at` on (none: writes have nowhere to go). */
export interface RouteChange {
  at: number;
  writable: string[];
}

/** One node's monitor: `askedAt` is when the answer `writable` was asked for (0: never answered). */
type Probe = { conn?: Connection; busy: boolean; writable: boolean; askedAt: number };

/**
 * The application behind a proxy: writes go to the node whose read_only is OFF, as a proxy's read_only monitor
 * routes its writer group (ProxySQL). Every node is asked in the background, on a connection of the router's own
 * with short deadlines, so a dead or frozen node never holds the others' answers. With no writable node a connect
 * fails (the writer tries again); with two (split brain) writes go to the first by name and the change says so.
 */
export class WritableRouter implements WriteTarget {
  readonly name = 'proxy';
  private readonly probes = new Map<string, Probe>();
  private readonly changes: RouteChange[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  /**
   * `nodes`: the servers the proxy knows now (a fenced node is left out by the caller). `ask`: the question each is
   * asked, answering `ro` 0 when writes go there (by default its read_only; a Group Replication member answers from
   * its view of the group, as MySQL Router's metadata cache reads it).
   */
  constructor(
    private readonly nodes: () => StartedNode[],
    private readonly ask: Statement = failoverSql.readOnly(),
  ) {}

  /** Starts probing and resolves once a first round has been answered (or has failed). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all(this.nodes().map((n) => this.probe(n)));
    this.note();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const p of this.probes.values()) p.conn?.destroy();
    this.probes.clear();
  }

  /** The writable nodes as last seen, by name. */
  get writable(): string[] {
    const known = new Set(this.nodes().map((n) => n.name));
    return [...this.probes.entries()]
      .filter(([name, p]) => p.writable && known.has(name))
      .map(([name]) => name)
      .sort();
  }

  /**
   * Resolves once the proxy routes writes to `name` alone on answers it asked for after `since` (every node it knows
   * asked anew): the proxy has seen a switch of the primary role that ended at `since`. An answer asked for before
   * then may still say the demoted node is writable, and an account that read_only does not bind (firedrill's own,
   * READ_ONLY ADMIN or SUPER) would write there unrefused. The timeout names the nodes last seen writable and those
   * not asked anew.
   */
  async routesOnlyTo(name: string, since: number, timeoutMs = 10_000): Promise<void> {
    await waitUntil(
      async () => ({
        writable: this.writable,
        stale: this.nodes()
          .map((n) => n.name)
          .filter((n) => (this.probes.get(n)?.askedAt ?? 0) <= since),
      }),
      (v) => !v.stale.length && v.writable.length === 1 && v.writable[0] === name,
      { what: `the clients' proxy to route writes to ${name} alone`, timeoutMs, intervalMs: 20 },
    );
    // recorded now: the monitor's loop notes changes only every PROBE_EVERY_MS, and a drill may read the history at once
    this.note();
  }

  /** Every change of the writable set, in time order. */
  get history(): readonly RouteChange[] {
    return this.changes;
  }

  async connect(): Promise<Connection> {
    const target = this.writable[0];
    if (!target) throw new Error('proxy: no writable node');
    const node = this.nodes().find((n) => n.name === target);
    if (!node) throw new Error(`proxy: ${target} is no longer known`);
    return node.connect({ connectTimeoutMs: 1000 });
  }

  private async run(): Promise<void> {
    while (this.running) {
      for (const n of this.nodes()) if (!this.probes.get(n.name)?.busy) void this.probe(n);
      this.note();
      await delay(PROBE_EVERY_MS); // pacing of the monitor, not a wait for a condition
    }
  }

  private note(): void {
    const w = this.writable;
    const last = this.changes[this.changes.length - 1];
    if (!last || last.writable.join() !== w.join()) this.changes.push({ at: Date.now(), writable: w });
  }

  private async probe(n: StartedNode): Promise<void> {
    const p = this.probes.get(n.name) ?? { busy: false, writable: false, askedAt: 0 };
    this.probes.set(n.name, p);
    p.busy = true;
    const askedAt = Date.now();
    try {
      if (!p.conn) {
        p.conn = await n.connect({ connectTimeoutMs: PROBE_DEADLINE_MS * 2 });
      }
      const rows = await p.conn.query<{ ro: unknown }>(this.ask, { timeoutMs: PROBE_DEADLINE_MS });
      p.writable = Number(rows[0]?.ro) === 0;
    } catch {
      p.writable = false;
      p.conn?.destroy();
      p.conn = undefined;
    } finally {
      p.askedAt = askedAt;
      p.busy = false;
    }
  }
}
