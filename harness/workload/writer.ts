import { setTimeout as delay } from 'node:timers/promises';

/** How long one write may wait for its answer (then its outcome is indeterminate: the connection is dropped). */
const WRITE_TIMEOUT_MS = 30_000;
import type { Connection } from '../runtime/connection.js';
import { workloadSql, type Statement } from '../sql/index.js';
import { isConnectionError } from '../runtime/session.js';
import { Ledger } from './ledger.js';

/** Where the workload writes: something that can open a connection (a node handle, or a DSN target). */
export interface WriteTarget {
  name: string;
  connect(): Promise<Connection>;
}

export interface WorkloadOptions {
  writers?: number;
  /** Total target rate over all writers (writes per second); paces the loop, it is not a wait for a condition. */
  ratePerSec?: number;
  /** The database holding this workload's ledger table (default `drill`). */
  db?: string;
}

/**
 * A write workload that records every write in a ledger. Each writer has its own connection and sends
 * single-row autocommit INSERTs with ids it chose, so the ledger knows exactly which rows must exist.
 */
export class WriteWorkload {
  readonly ledger = new Ledger();
  private nextId = 1;
  private running = false;
  private loops: Promise<void>[] = [];
  /** Writers sent elsewhere than the workload's target (redirect), and those yet to drop their connection for it. */
  private readonly elsewhere = new Map<number, WriteTarget>();
  private readonly switching = new Map<number, () => void>();
  private readonly writers: number;
  private readonly intervalMs: number;
  readonly db: string;

  constructor(
    private target: WriteTarget,
    opts: WorkloadOptions = {},
  ) {
    this.db = opts.db ?? workloadSql.LEDGER_DB;
    this.writers = opts.writers ?? 4;
    this.intervalMs = (this.writers * 1000) / (opts.ratePerSec ?? 200);
  }

  static async prepare(target: { query(s: Statement): Promise<unknown> }, db?: string): Promise<void> {
    for (const s of workloadSql.createLedgerSchema(db)) await target.query(s);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let w = 1; w <= this.writers; w++) this.loops.push(this.loop(w));
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Points the (stopped) workload at another server, as an application is pointed at a rebuilt primary. */
  moveTo(target: WriteTarget): void {
    if (this.running) throw new Error('stop the workload before moving it to another server');
    this.target = target;
  }

  /**
   * Sends these writers (numbered from 1) to `target` (none: back to the workload's own), as an application server
   * is repointed: each finishes its current write, closes its connection and connects there. Resolves once every one
   * of them has let its old connection go (at once when the workload is stopped). Writers are the unit a split brain
   * divides: some of the application writes on one side of a cut, the rest on the other. Resolves with each writer's
   * first id after the switch (its writes with a lower id went to where it wrote before).
   */
  async redirect(writers: readonly number[], target?: WriteTarget): Promise<Map<number, number>> {
    // per writer, the first id it can send to the new target: every write it sent before has a lower id
    const firstIdAfter = new Map<number, number>();
    const waits: Promise<void>[] = [];
    for (const w of writers) {
      if (w < 1 || w > this.writers) throw new Error(`no writer ${w}: the workload has writers 1 to ${this.writers}`);
      if (target) this.elsewhere.set(w, target);
      else this.elsewhere.delete(w);
      this.switching.get(w)?.();
      if (this.running)
        waits.push(
          new Promise<void>((r) =>
            this.switching.set(w, () => {
              firstIdAfter.set(w, this.nextId);
              r();
            }),
          ),
        );
      else firstIdAfter.set(w, this.nextId);
    }
    await Promise.all(waits);
    return firstIdAfter;
  }

  /** How many writers the workload runs (numbered 1 to this). */
  get writerCount(): number {
    return this.writers;
  }

  /** Stops every writer after its current write; resolves when all have finished. */
  async stop(): Promise<Ledger> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
    for (const done of this.switching.values()) done();
    this.switching.clear();
    return this.ledger;
  }

  private async loop(writer: number): Promise<void> {
    let conn: Connection | undefined;
    let next = Date.now();
    while (this.running) {
      const redirected = this.switching.get(writer);
      if (redirected) {
        await conn?.close().catch(() => conn?.destroy());
        conn = undefined;
        this.switching.delete(writer);
        redirected();
      }
      if (!conn) {
        try {
          conn = await (this.elsewhere.get(writer) ?? this.target).connect();
        } catch {
          await delay(100);
          continue;
        }
      }
      const id = this.nextId++;
      const sentAt = Date.now();
      const s = workloadSql.insertWrite(id, writer, `w${writer}-${id}`, this.db);
      try {
        // A deadline: a write to a frozen or cut-off server ends as indeterminate instead of waiting for TCP keepalive.
        await conn.query(s, { timeoutMs: WRITE_TIMEOUT_MS });
        this.ledger.record({ id, writer, sentAt, doneAt: Date.now(), outcome: 'acked' });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const lost = isConnectionError(e) || conn.lost;
        this.ledger.record({ id, writer, sentAt, doneAt: Date.now(), outcome: lost ? 'indeterminate' : 'failed', error: msg });
        if (lost) {
          conn.destroy();
          conn = undefined;
        }
      }
      next += this.intervalMs;
      const wait = next - Date.now();
      if (wait > 0) await delay(wait);
      else next = Date.now();
    }
    await conn?.close();
  }
}
