import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, leftovers } from './helpers.js';

describe('firedrill run replica-kill-restore (real containers)', () => {
  it('passes with measured phases, 0 lost acknowledged writes, and leaves nothing behind', async () => {
    const r = await cli(['run', 'replica-kill-restore', '--param', 'bulkMb=5', '--verbose', '--json']);
    const result = JSON.parse(r.stdout) as Record<string, any>;
    expect(result.verdict, r.stderr.slice(-3000)).toBe('pass');
    expect(r.code).toBe(0);
    expect(result.scenario).toBe('replica-kill-restore');
    expect(result.flavor).toBe('mariadb-10.11');
    const names = result.phases.map((p: { name: string }) => p.name);
    expect(names).toEqual(['setup', 'replica-crash', 'backup', 'restore', 'verify-restore', 'catch-up', 'verify']);
    for (const p of result.phases) expect(p.endMs).toBeGreaterThan(p.startMs);
    expect(result.rto.ms).toBeGreaterThan(0);
    expect(Object.keys(result.rto.phases)).toEqual(['restore', 'verify-restore', 'catch-up']);
    expect(result.rpo.lostAcknowledgedWrites).toBe(0);
    expect(result.ledger.acked).toBeGreaterThan(100);
    const checks = Object.fromEntries(result.checks.map((c: { name: string; valid: boolean }) => [c.name, c.valid]));
    for (const name of [
      'replica-1-resumes-replication',
      'restored-check-table',
      'restored-checksum-table',
      'restored-schema-objects',
      'restored-gtid-equals-manifest',
      'restored-data-equals-primary',
      'restored-ledger',
      'replica-1-ledger',
    ])
      expect(checks[name], name).toBe(true);
    // the fault really happened: the killed replica's container exited on SIGKILL (exit code 137)
    expect(JSON.stringify(result.faults[0].effect.observed)).toContain('"exitCode":137');
    // the report files a CI job and a person read
    const onDisk = JSON.parse(await readFile(join(result.reportDir, 'result.json'), 'utf8'));
    expect(onDisk.runId).toBe(result.runId);
    expect(await readFile(join(result.reportDir, 'summary.md'), 'utf8')).toContain('PASS');
    expect(await readFile(join(result.reportDir, 'junit.xml'), 'utf8')).toContain('<testsuite');
    // evidence: provenance read from the servers and the engine, objectives judged, the run's log, Allure results
    expect(onDisk.provenance.servers.restored.version).toMatch(/^10\.11\.\d+-MariaDB/);
    expect(onDisk.provenance.image.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(onDisk.provenance.engine.version).toMatch(/^\d+\./);
    expect(onDisk.provenance.dataset.bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(onDisk.objectives.met).toBe(true);
    const junit = await readFile(join(result.reportDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/name="objective rto" time="[\d.]+">\s*<system-out>/);
    expect(junit).toContain('failures="0" errors="0"');
    const log = await readFile(join(result.reportDir, 'drill.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d) run /m);
    expect(log).toMatch(/ \$ docker (run|create) /); // --verbose: every command line
    expect(log).not.toMatch(/IDENTIFIED BY|MASTER_PASSWORD|--password=(?!\*)/);
    const allure = (await readdir(join(result.reportDir, 'allure-results'))).filter((f) => f.endsWith('-result.json'));
    expect(JSON.parse(await readFile(join(result.reportDir, 'allure-results', allure[0]!), 'utf8')).status).toBe('passed');
    // no password of the run in any report or in the output
    expect(r.stderr).not.toMatch(/IDENTIFIED BY|MASTER_PASSWORD/);
    expect(await leftovers(result.runId)).toEqual([]);
  });

  it('exits 2 with one line for an unknown scenario, flavor or parameter, no engine, or a missing configured image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fd-config-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ images: { 'mariadb-10.11': 'firedrill/does-not-exist:1' } }));
    const cases: Array<[string[], Record<string, string>]> = [
      [['run', 'no-such-drill'], {}],
      [['run', 'replica-kill-restore', '--flavor', 'postgres-16'], {}],
      [['run', 'replica-kill-restore', '--param', 'rows=3'], {}],
      [['run', 'replica-kill-restore'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }],
      [['run', 'replica-kill-restore'], { FIREDRILL_CONFIG: join(dir, 'config.json') }],
      [['run', 'replica-kill-restore'], { FIREDRILL_CONFIG: join(dir, 'missing-key.json') }],
    ];
    await writeFile(join(dir, 'missing-key.json'), '{"imagez": {}}');
    for (const [args, env] of cases) {
      const r = await cli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^firedrill: /);
    }
    await rm(dir, { recursive: true, force: true });
  });
});
