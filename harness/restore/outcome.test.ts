import { describe, expect, it } from 'vitest';
import { execError } from '../exec/errors.test-fixture.js';
import {
  ENCRYPTED_TABLE_OPTION,
  isToolRefusal,
  NEEDS_OTHER_SETTINGS,
  needsSettings,
  notApplicableChecks,
  pluginNotLoaded,
  wrongCreateOptions,
} from './outcome.js';

const execErr = (p: Parameters<typeof execError>[0]) => execError({ argv: ['docker', 'start', '-a', 'fd-x-rt-prepare'], ...p });

describe('a failure during a restore test: the backup refused, or the environment failed', () => {
  it("the backup's own tool exiting non-zero is a refusal (bad backup)", () => {
    expect(
      isToolRefusal(execErr({ stderr: '[ERROR] InnoDB: Page [page id: space=5, page number=3] log sequence number is in the future' })),
    ).toBe(true);
    expect(isToolRefusal(execErr({ argv: ['docker', 'exec', 'n', 'sh', '-c', 'zstd -dc /dump | mariadb'], exitCode: 1 }))).toBe(true);
  });
  it('a deadline, a kill, a cancel, a program that could not start, the engine gone, a disk full: not the backup', () => {
    expect(isToolRefusal(execErr({ timedOut: true, exitCode: null }))).toBe(false);
    expect(isToolRefusal(execErr({ signal: 'SIGKILL', exitCode: null }))).toBe(false);
    expect(isToolRefusal(execErr({ canceled: true, exitCode: null }))).toBe(false);
    expect(isToolRefusal(execErr({ exitCode: null, cause: new Error('spawn docker ENOENT') }))).toBe(false);
    expect(isToolRefusal(execErr({ stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' }))).toBe(false);
    expect(isToolRefusal(execErr({ stderr: 'cp: error writing: No space left on device' }))).toBe(false);
    expect(isToolRefusal(new Error('ECONNRESET'))).toBe(false);
  });
});

describe("a dump's account naming a plugin the restore server does not load is the server's configuration, not the backup", () => {
  it("names the plugin from the client's ERROR 1524 (as MariaDB 10.11 answered CREATE USER … VIA ed25519 without it)", () => {
    expect(pluginNotLoaded("ERROR 1524 (HY000) at line 7: Plugin 'ed25519' is not loaded")).toBe('ed25519');
    expect(pluginNotLoaded("ERROR 1524 (HY000) at line 12: Plugin 'auth_socket' is not loaded")).toBe('auth_socket');
  });
  it('any other refusal stays a refusal of the backup', () => {
    expect(pluginNotLoaded("ERROR 1064 (42000) at line 7: You have an error in your SQL syntax near 'Plugin 'x' is not loaded'")).toBe(
      undefined,
    );
    expect(pluginNotLoaded("ERROR 1396 (HY000) at line 3: Operation CREATE USER failed for 'a'@'%'")).toBe(undefined);
  });
});

describe('a backup with encrypted tables, restored without the keys: the missing key management is named (exit 2)', () => {
  // as mariadb-backup --prepare of MariaDB 10.11.18 logged it without the key file (tests/docker/corpus-encryption.test.ts)
  const line = "2026-12-08  1:32:43 0 [ERROR] Plugin 'file_key_management' init function returned error.";
  it('names the key management, the plugin and the option that points at the key file', () => {
    expect(NEEDS_OTHER_SETTINGS.test(line)).toBe(true);
    expect(needsSettings('prepare', line)).toMatch(
      /^prepare needs the source's key management \(the backup holds encrypted tables.*\): .*file_key_management.*--server-config: plugin_load_add = file_key_management and file_key_management_filename = /,
    );
  });
  it("a dump's CREATE TABLE refused for its options (as 10.11.18 refused ENCRYPTED=YES without keys), read in the dump as mariadb-dump writes it", () => {
    expect(wrongCreateOptions('ERROR 1005 (HY000) at line 25: Can\'t create table `d`.`t` (errno: 140 "Wrong create options")')).toBe(true);
    expect(
      wrongCreateOptions(
        'ERROR 1005 (HY000) at line 25: Can\'t create table `d`.`t` (errno: 150 "Foreign key constraint is incorrectly formed")',
      ),
    ).toBe(false);
    const option = new RegExp(ENCRYPTED_TABLE_OPTION, 'i');
    expect(option.test(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 `ENCRYPTED`=YES `ENCRYPTION_KEY_ID`=1;')).toBe(true);
    expect(option.test(') ENGINE=InnoDB ENCRYPTED=YES ENCRYPTION_KEY_ID=2;')).toBe(true);
    // as mariadb-dump 11.8.9 writes it
    expect(option.test(") ENGINE=InnoDB `ENCRYPTED`='YES' `ENCRYPTION_KEY_ID`='2';")).toBe(true);
    expect(option.test(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 `PAGE_COMPRESSED`=1;')).toBe(false);
  });

  it('another setting is named as a setting, not as keys', () => {
    const other = '[ERROR] InnoDB: Data file uses page size 4096, but the innodb_page_size start-up parameter is 16384';
    expect(NEEDS_OTHER_SETTINGS.test(other)).toBe(true);
    expect(needsSettings('the mariadb-10.11 server', other)).toBe(
      `the mariadb-10.11 server needs the source's settings: ${other} (give them with --server-config my.cnf)`,
    );
  });
});

describe('checks a declared limit makes meaningless are known before anything is restored', () => {
  const state = (executed: string, replicaPos = '') => ({ gtid: { executed, replicaPos, heldReplica: false } });
  it('a dump without the mysql database carries no accounts; a state without GTIDs has no position to compare', () => {
    expect(notApplicableChecks({ kind: 'dump', dumpDatabases: ['shop'] }, 'load', state(''))).toEqual([
      { check: 'state-accounts', reason: expect.stringMatching(/does not hold the mysql database/) },
      { check: 'state-gtid', reason: expect.stringMatching(/no GTID position/) },
    ]);
  });
  it('a dump with the mysql database, a datadir, a state with a position: everything applies; no state: nothing is compared', () => {
    expect(notApplicableChecks({ kind: 'dump', dumpDatabases: ['mysql', 'shop'] }, 'load', state('0-1-9'))).toEqual([]);
    expect(notApplicableChecks({ kind: 'mariabackup' }, 'datadir', state('', '0-1-9'))).toEqual([]);
    expect(notApplicableChecks({ kind: 'firedrill-artifact' }, 'load', state('0-1-9')).map((x) => x.check)).toEqual(['state-accounts']);
    expect(notApplicableChecks({ kind: 'dump', dumpDatabases: ['shop'] }, 'load', undefined)).toEqual([]);
  });
});
