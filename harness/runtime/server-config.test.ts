import { describe, expect, it } from 'vitest';
import { canonicalOption } from '../core/index.js';
import { isSecretOption, overridesFor, parseServerConfig, refusalOf, withoutOptions } from './server-config.js';

const MY_CNF = `# production settings
[client]
user = app
[mysqld]
innodb_buffer_pool_size = 64M
max-connections=500
loose_innodb_io_capacity = 400
server_id = 17
read_only = 1
skip-log-slave-updates
binlog_format = MIXED
bind-address = 127.0.0.1
sql_mode = "STRICT_ALL_TABLES"   # trailing comment
gtid_mode = OFF
[mariadb-10.11]
skip-slave-start
[mysqldump]
quick
`;

describe('--server-config', () => {
  const cfg = parseServerConfig(MY_CNF, '/etc/my.cnf');

  it('reads the server groups only, with canonical names and values', () => {
    expect(cfg.options.map((o) => `${o.name}=${o.value}`)).toEqual([
      'innodb-buffer-pool-size=64M',
      'max-connections=500',
      'innodb-io-capacity=400',
      'server-id=17',
      'read-only=1',
      'log-slave-updates=OFF',
      'binlog-format=MIXED',
      'bind-address=127.0.0.1',
      'sql-mode=STRICT_ALL_TABLES',
      'gtid-mode=OFF',
      'skip-slave-start=ON',
    ]);
    expect(cfg.options.find((o) => o.name === 'skip-slave-start')).toMatchObject({ group: 'mariadb-10.11', line: 16 });
  });

  it('canonical names: underscores, loose-, skip-/enable-/disable- forms', () => {
    expect(canonicalOption('loose_skip_name_resolve', undefined)).toEqual({ name: 'skip-name-resolve', value: 'ON' });
    expect(canonicalOption('disable-log-bin', undefined)).toEqual({ name: 'log-bin', value: 'OFF' });
    expect(canonicalOption('enable_performance_schema', undefined)).toEqual({ name: 'performance-schema', value: 'ON' });
  });

  it('refuses includes and garbage, naming the line', () => {
    expect(() => parseServerConfig('[mysqld]\n!includedir /etc/mysql/conf.d\n', 'x.cnf')).toThrow(/x\.cnf:2: !includedir is not supported/);
    expect(() => parseServerConfig('max_connections=1\n', 'x.cnf')).toThrow(/x\.cnf:1: an option before any \[group\]/);
    expect(() => parseServerConfig('[mysqld]\n= 5\n', 'x.cnf')).toThrow(/x\.cnf:2: not an option line/);
  });

  it("topology options win on a primary: pinned on the command line and reported; the rest stay the user's", () => {
    const cmd = ['mariadbd', '--server-id=1', '--log-bin=mysql-bin', '--relay-log=relay-bin', '--report-host=node-1'];
    const { flags, overrides } = overridesFor(
      cfg,
      'mariadb',
      { serverId: 1, readOnly: false, galera: false, skipReplicaStart: false },
      cmd,
    );
    expect(flags).toEqual([
      '--read-only=OFF',
      '--skip-slave-start=OFF',
      '--log-slave-updates=ON',
      '--binlog-format=ROW',
      '--bind-address=0.0.0.0',
    ]);
    expect(overrides.map((o) => `${o.option}: ${o.yours} -> ${o.ours}`)).toEqual([
      'server-id: 17 -> 1',
      'read-only: 1 -> OFF',
      'skip-slave-start: ON -> OFF',
      'log-slave-updates: OFF -> ON',
      'binlog-format: MIXED -> ROW',
      'bind-address: 127.0.0.1 -> 0.0.0.0',
    ]);
    expect(overrides.map((o) => o.option)).not.toContain('innodb-buffer-pool-size');
    expect(overrides.every((o) => o.why.length > 0)).toBe(true);
  });

  it('on a MySQL replica: read_only agrees (not reported), GTID mode is pinned on', () => {
    const { flags, overrides } = overridesFor(cfg, 'mysql', { serverId: 3, readOnly: true, galera: false, skipReplicaStart: false }, [
      'mysqld',
      '--server-id=3',
      '--read-only=ON',
    ]);
    expect(overrides.find((o) => o.option === 'read-only')).toBeUndefined();
    expect(flags).toContain('--gtid-mode=ON');
    expect(overrides).toContainEqual(expect.objectContaining({ option: 'gtid-mode', yours: 'OFF', ours: 'ON' }));
  });

  it('no file, nothing pinned', () => {
    expect(overridesFor(undefined, 'mariadb', { serverId: 1, readOnly: false, galera: false, skipReplicaStart: false }, [])).toEqual({
      flags: [],
      overrides: [],
    });
  });

  it('finds the option a server refuses in its output', () => {
    expect(refusalOf("2026-11-29  7:04:49 0 [ERROR] mariadbd: unknown variable 'foo_bar=1'\n")).toBe("unknown variable 'foo_bar=1'");
    expect(
      refusalOf(
        "2026-11-29T07:04:55Z 0 [ERROR] [MY-000067] [Server] unknown variable 'foo_bar=1'.\n2026 [ERROR] [MY-010119] [Server] Aborting",
      ),
    ).toBe("unknown variable 'foo_bar=1'.");
    expect(refusalOf('all fine')).toBeUndefined();
  });
});

describe('withoutOptions (a newer version refuses some of the file)', () => {
  const text = '[mysqld]\ninnodb_buffer_pool_size = 256M\nold_alter_table = 1\ninnodb-defragment = 1\n\n[client]\nold_alter_table = 1\n';
  it("comments out exactly the refused options' server lines, saying why; the rest of the file is kept as written", () => {
    const cfg = parseServerConfig(text, '/etc/my.cnf');
    const { cfg: out, removed } = withoutOptions(cfg, ['old_alter_table'], 'mariadb-11.8 refuses it');
    expect(removed).toEqual([{ option: 'old-alter-table', line: 3 }]);
    expect(out.text.split('\n')).toEqual([
      '[mysqld]',
      'innodb_buffer_pool_size = 256M',
      '# old_alter_table = 1  # firedrill: mariadb-11.8 refuses it',
      'innodb-defragment = 1',
      '',
      '[client]',
      'old_alter_table = 1',
      '',
    ]);
    expect(out.options.map((o) => o.name)).toEqual(['innodb-buffer-pool-size', 'innodb-defragment']);
    // what is left parses to the same options
    expect(parseServerConfig(out.text, out.path).options.map((o) => o.name)).toEqual(out.options.map((o) => o.name));
  });
  it('nothing refused: the same file', () => {
    const cfg = parseServerConfig(text, '/etc/my.cnf');
    expect(withoutOptions(cfg, [], 'x').cfg).toBe(cfg);
  });
});

describe('secret options (named in a report, their values never)', () => {
  it('knows the options whose value is a password or a key', () => {
    for (const n of ['wsrep_sst_auth', 'file_key_management_filekey', 'wsrep-sst-password', 'ssl_passphrase', 'ldap_secret'])
      expect(isSecretOption(n), n).toBe(true);
    for (const n of ['max_connections', 'innodb_buffer_pool_size', 'binlog_format', 'read_only']) expect(isSecretOption(n), n).toBe(false);
  });
});
