// A drill result built in code for the report's unit tests (the shape runScenario writes to result.json).
import type { LedgerEntry } from '../workload/index.js';
import type { EvidenceResult } from './evidence.js';
import { judgeObjectives, objectivesFor } from './objectives.js';

export const T0 = Date.UTC(2026, 10, 28, 2, 0, 0);

/** A passing replica-kill-restore on mariadb-10.11 with a kill fault, 4 recovery-relevant phases and a ledger. */
export function sampleResult(over: Partial<EvidenceResult> = {}): EvidenceResult {
  const ph = (name: string, s: number, e: number, recovery = false) => ({
    name,
    recovery,
    startMs: T0 + s,
    endMs: T0 + e,
    durationMs: e - s,
    steps: [{ name: `${name} step`, startMs: T0 + s, endMs: T0 + e }],
  });
  const r: EvidenceResult = {
    runId: '20261128020000-abcdef',
    scenario: 'replica-kill-restore',
    description: 'SIGKILL a replica under load, restore, verify',
    flavor: 'mariadb-10.11',
    verdict: 'pass',
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 12_000).toISOString(),
    durationMs: 12_000,
    params: { bulkMb: 2 },
    phases: [
      ph('setup', 0, 3000),
      ph('replica-crash', 3000, 5500),
      ph('backup', 5500, 8000),
      ph('restore', 8000, 10_000, true),
      ph('verify-restore', 10_000, 10_200, true),
      ph('catch-up', 10_200, 10_700, true),
      ph('verify', 10_700, 12_000),
    ],
    rto: { ms: 2700, method: 'sum of the recovery phases', phases: { restore: 2000, 'verify-restore': 200, 'catch-up': 500 } },
    rpo: { lostAcknowledgedWrites: 0, seconds: 0, node: 'restored', indeterminate: 0, method: 'ledger' },
    checks: [
      { name: 'restored-checksum-table', valid: true, details: { differenceCount: 0, differences: [], tablesCompared: 18 } },
      {
        name: 'restored-data-equals-primary',
        valid: true,
        details: { differenceCount: 0, differences: [], databases: ['bulk', 'drill', 'sakila'], tablesCompared: 18, chunksCompared: 68 },
      },
      { name: 'restored-ledger', valid: true, details: { acknowledged: 100, lostAcknowledgedWrites: 0, lostIds: [], lostSeconds: 0 } },
    ],
    faults: [
      {
        fault: { kind: 'kill', target: 'replica-1', signal: 'KILL' },
        description: 'send SIGKILL to replica-1',
        injectedAt: T0 + 4000,
        healedAt: T0 + 4800,
        effect: { nodes: ['replica-1'], observed: {} },
      },
    ],
    observations: {},
    reportDir: '/tmp/x',
    ledger: { sent: 100, acked: 100, failed: 0, indeterminate: 0 },
    ...over,
  };
  if (!('objectives' in over))
    r.objectives = judgeObjectives(objectivesFor(r.scenario), {
      rtoMs: r.rto.ms,
      rpoWrites: r.rpo.lostAcknowledgedWrites,
      rpoSeconds: r.rpo.seconds,
    });
  return r;
}

/** A ledger of n acknowledged writes spread over the drill (one every 100 ms from 3 s), latency 2 ms, 40 ms during the fault. */
export function sampleLedger(n = 80): LedgerEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const sentAt = T0 + 3000 + i * 100;
    const inFault = sentAt >= T0 + 4000 && sentAt <= T0 + 4800;
    return { id: i + 1, writer: (i % 4) + 1, sentAt, doneAt: sentAt + (inFault ? 40 : 2), outcome: 'acked' as const };
  });
}
