import { describe, expect, it } from 'vitest';
import { backupMethod, backupMethods, methodOf } from './registry.js';
import { methodByName } from './index.js';

describe('one registry of backup methods', () => {
  it('holds every method firedrill takes, physical and logical, each with its take and its restore', () => {
    expect(backupMethods().map((m) => `${m.name}:${m.kind}:${m.restore.kind}`)).toEqual([
      'mariabackup:physical:datadir',
      'clone:physical:datadir',
      'fs-snapshot:physical:datadir',
      'galera-snapshot:physical:datadir',
      'logical:logical:load',
    ]);
    for (const m of backupMethods()) expect(typeof m.take).toBe('function');
  });

  it('picks the restore from what the manifest says the artifact is', () => {
    const mb = methodOf({ method: 'mariabackup' }).restore;
    expect(mb.kind === 'datadir' && mb.steps('/a')[0]).toEqual([
      'mariadb-backup',
      '--copy-back',
      '--target-dir=/a/data',
      '--datadir=/var/lib/mysql',
    ]);
    expect(methodOf({ method: 'logical' }).restore).toEqual({ kind: 'load', dumpFile: 'data/dump.sql' });
    const gs = methodOf({ method: 'galera-snapshot' }).restore;
    expect(gs.kind === 'datadir' && gs.steps('/a')[0]).toEqual(['cp', '-a', '/a/data/.', '/var/lib/mysql/']);
  });

  it('refuses a method it does not know, and a logical dump where a physical copy is needed', () => {
    expect(() => backupMethod('xtrabackup')).toThrow(/unknown backup method 'xtrabackup' \(known: mariabackup, clone/);
    expect(() => methodByName('logical')).toThrow(/is logical, not a physical copy/);
    expect(methodByName('clone').restoreSteps('/x')[0]).toEqual(['cp', '-a', '/x/data/.', '/var/lib/mysql/']);
  });
});
